package dev.gloo.chaos.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.chaos.workload.ApiClient;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives the xDS monitors something to watch: a Gateway {@code default/chaos-gw}, an Upstream and
 * an HTTPRoute whose one path prefix carries a write counter {@code /v<N>}. One thread bumps N
 * with compare-and-set updates against random nodes; N only grows in the store, so a monitor that
 * ever sees it fall was handed older config.
 */
public final class RouteWriter {
  public static final String GATEWAY = "default/chaos-gw";
  private static final String ROUTE_PATH = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/chaos-route";
  private static final Pattern COUNTER = Pattern.compile("^/v(\\d+)$");

  private final ApiClient api;
  private final List<String> nodes;
  private final Random rnd;
  private Thread thread;
  private volatile boolean running;
  private final LongSupplier clock;
  private volatile long acknowledged;
  private volatile long attempts;
  private volatile long lastWriteEndedNanos;

  public RouteWriter(ApiClient api, List<String> nodes, long seed, LongSupplier clock) {
    this.api = api;
    this.clock = clock;
    this.nodes = List.copyOf(nodes);
    this.rnd = new Random(seed);
  }

  /** Creates the Gateway, Upstream and the route at /v1 (the cluster must be healthy). */
  public void setUp() throws Exception {
    String node = nodes.get(0);
    ObjectNode gw = object("gateway.networking.k8s.io/v1", "Gateway", "chaos-gw");
    ObjectNode listener = gw.putObject("spec").put("gatewayClassName", "gloo-gateway").putArray("listeners").addObject();
    listener.put("name", "http").put("protocol", "HTTP").put("port", 8080);
    expectCreated(api.post(node, "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways", gw));
    ObjectNode upstream = object("gloo.solo.io/v1", "Upstream", "chaos-backend");
    upstream.putObject("spec").putObject("static").putArray("hosts").addObject().put("addr", "127.0.0.1").put("port", 8081);
    expectCreated(api.post(node, "/apis/gloo.solo.io/v1/namespaces/default/upstreams", upstream));
    expectCreated(api.post(node, "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes", route(1, null)));
    acknowledged = 1;
  }

  private static void expectCreated(ApiClient.Response r) {
    if (!r.ok()) {
      throw new IllegalStateException("setting up the xDS objects failed: " + r.status() + " " + r.body());
    }
  }

  private static ObjectNode object(String apiVersion, String kind, String name) {
    ObjectNode o = ApiClient.JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    o.putObject("metadata").put("name", name).put("namespace", "default");
    return o;
  }

  private static ObjectNode route(long counter, String resourceVersion) {
    ObjectNode r = object("gateway.networking.k8s.io/v1", "HTTPRoute", "chaos-route");
    if (resourceVersion != null) {
      ((ObjectNode) r.get("metadata")).put("resourceVersion", resourceVersion);
    }
    ObjectNode spec = r.putObject("spec");
    spec.putArray("parentRefs").addObject().put("name", "chaos-gw");
    ObjectNode rule = spec.putArray("rules").addObject();
    rule.putArray("matches").addObject().putObject("path").put("type", "PathPrefix").put("value", "/v" + counter);
    rule.putArray("backendRefs").addObject().put("name", "chaos-backend").put("kind", "Upstream")
        .put("group", "gloo.solo.io").put("port", 8081);
    return r;
  }

  public void start() {
    running = true;
    thread = new Thread(this::run, "route-writer");
    thread.setDaemon(true);
    thread.start();
  }

  public void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  public long acknowledged() {
    return acknowledged;
  }

  /** When the last request ended: the final config cannot reach a monitor before that. */
  public long lastWriteEndedNanos() {
    return lastWriteEndedNanos;
  }

  public long attempts() {
    return attempts;
  }

  private void run() {
    long next = 2;
    while (running) {
      String node = nodes.get(rnd.nextInt(nodes.size()));
      try {
        ApiClient.Response current = api.get(node, ROUTE_PATH);
        if (current.status() == 200) {
          attempts++;
          String rv = current.body().path("metadata").path("resourceVersion").asText();
          // Every attempt takes a fresh, larger N, so N grows in the store whichever attempts land.
          next++;
          ApiClient.Response r = api.put(node, ROUTE_PATH, route(next - 1, rv));
          if (r.ok()) {
            acknowledged = next - 1;
          }
        }
      } catch (IOException e) {
        // a fault: try again on another node
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lastWriteEndedNanos = clock.getAsLong();
      }
      try {
        Thread.sleep(200 + rnd.nextInt(200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The counter the store holds now, read through {@code node}. */
  public long read(String node) throws IOException, InterruptedException {
    ApiClient.Response r = api.get(node, ROUTE_PATH);
    if (r.status() != 200) {
      throw new IOException(node + " answered " + r.status() + " reading the route: " + r.body());
    }
    JsonNode value = r.body().path("spec").path("rules").path(0).path("matches").path(0).path("path").path("value");
    Matcher m = COUNTER.matcher(value.asText());
    if (!m.matches()) {
      throw new IllegalStateException("the route's path prefix is " + value);
    }
    return Long.parseLong(m.group(1));
  }
}
