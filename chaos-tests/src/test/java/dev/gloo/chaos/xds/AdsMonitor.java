package dev.gloo.chaos.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ADS client that behaves as Envoy does for one Gateway: state of the world, listeners as
 * wildcard, then the routes the listeners' HTTP connection managers name; every response
 * ACKed; on a failed or ended stream it reconnects to the next node, reporting the versions it
 * holds. It records, per RouteConfiguration response, the write counter carried by the route's
 * path prefix ({@code /v<N>}).
 */
public final class AdsMonitor implements AutoCloseable {
  static final String LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String ROUTE = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  private static final Pattern COUNTER = Pattern.compile("/v(\\d+)");

  private final String name;
  private final List<String> nodes;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Node envoyNode;
  private final LongSupplier clock;
  private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor();
  private final List<XdsObservation> observations = new ArrayList<>();
  private final Map<String, String> versions = new ConcurrentHashMap<>();
  private final List<String> events = new ArrayList<>();
  /** The route names the listeners asked for, kept across streams as Envoy keeps its subscriptions. */
  private volatile TreeSet<String> routeNames = new TreeSet<>();
  private volatile boolean closed;
  private int nodeIndex;
  private int streams;

  public AdsMonitor(String name, List<String> nodes, IntUnaryOperator xdsPortOfIndex, String gateway, int firstNode,
      LongSupplier clock) {
    this.name = name;
    this.nodes = List.copyOf(nodes);
    this.clock = clock;
    this.nodeIndex = firstNode % nodes.size();
    for (int i = 0; i < nodes.size(); i++) {
      // Keepalive as in the README's Envoy bootstrap: a paused node is noticed, not waited on forever.
      channels.put(nodes.get(i), ManagedChannelBuilder.forAddress("127.0.0.1", xdsPortOfIndex.applyAsInt(i))
          .usePlaintext().keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(3, TimeUnit.SECONDS)
          .keepAliveWithoutCalls(true).build());
    }
    this.envoyNode = Node.newBuilder().setId("chaos-" + name).setCluster(gateway)
        .setMetadata(Struct.newBuilder().putFields("gloo.solo.io/gateway",
            Value.newBuilder().setStringValue(gateway).build())).build();
  }

  public void start() {
    reconnects.execute(this::connect);
  }

  public String name() {
    return name;
  }

  public synchronized List<XdsObservation> observations() {
    return List.copyOf(observations);
  }

  /** What happened on the streams, with times: for the evidence of a failed run. */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  private synchronized void event(String text) {
    events.add(String.format("%10.3f %s %s", clock.getAsLong() / 1e9, name, text));
  }

  public synchronized int streams() {
    return streams;
  }

  private synchronized String currentNode() {
    return nodes.get(nodeIndex);
  }

  private void connect() {
    if (closed) {
      return;
    }
    String node;
    synchronized (this) {
      node = currentNode();
      streams++;
    }
    Stream s = new Stream(node);
    event("stream to " + node);
    s.requests = AggregatedDiscoveryServiceGrpc.newStub(channels.get(node)).streamAggregatedResources(s);
    // Envoy resumes every subscription on a new stream with the versions it holds: a node with
    // the same content answers nothing, so routes must be asked for here, not only after a
    // listener response.
    s.send(DiscoveryRequest.newBuilder().setNode(envoyNode).setTypeUrl(LISTENER)
        .setVersionInfo(versions.getOrDefault(LISTENER, "")).build());
    if (!routeNames.isEmpty()) {
      s.send(DiscoveryRequest.newBuilder().setTypeUrl(ROUTE).addAllResourceNames(routeNames)
          .setVersionInfo(versions.getOrDefault(ROUTE, "")).build());
    }
  }

  private void reconnect() {
    if (closed) {
      return;
    }
    synchronized (this) {
      nodeIndex = (nodeIndex + 1) % nodes.size();
    }
    reconnects.schedule(this::connect, 300, TimeUnit.MILLISECONDS);
  }

  /** One ADS stream to one node. */
  private final class Stream implements StreamObserver<DiscoveryResponse> {
    final String node;
    StreamObserver<DiscoveryRequest> requests;
    boolean done;

    Stream(String node) {
      this.node = node;
    }

    synchronized void send(DiscoveryRequest r) {
      if (!done) {
        requests.onNext(r);
      }
    }

    @Override
    public synchronized void onNext(DiscoveryResponse r) {
      if (r.getTypeUrl().equals(LISTENER)) {
        TreeSet<String> names = new TreeSet<>();
        for (Any any : r.getResourcesList()) {
          names.addAll(routeNamesOf(any));
        }
        versions.put(LISTENER, r.getVersionInfo());
        event("<- " + r.getControlPlane().getIdentifier() + " listeners " + r.getVersionInfo() + " routes " + names);
        send(ack(r));
        if (!names.equals(routeNames)) {
          routeNames = names;
          send(DiscoveryRequest.newBuilder().setTypeUrl(ROUTE).addAllResourceNames(names)
              .setVersionInfo(versions.getOrDefault(ROUTE, "")).build());
        }
      } else if (r.getTypeUrl().equals(ROUTE)) {
        long counter = 0;
        for (Any any : r.getResourcesList()) {
          counter = Math.max(counter, counterOf(any));
        }
        synchronized (AdsMonitor.this) {
          observations.add(new XdsObservation(name, clock.getAsLong(), r.getControlPlane().getIdentifier(),
              r.getVersionInfo(), counter));
        }
        versions.put(ROUTE, r.getVersionInfo());
        event("<- " + r.getControlPlane().getIdentifier() + " routes " + r.getVersionInfo() + " /v" + counter);
        send(DiscoveryRequest.newBuilder(ack(r)).addAllResourceNames(routeNames).build());
      } else {
        send(ack(r));
      }
    }

    private DiscoveryRequest ack(DiscoveryResponse r) {
      return DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setVersionInfo(r.getVersionInfo())
          .setResponseNonce(r.getNonce()).build();
    }

    @Override
    public synchronized void onError(Throwable t) {
      done = true;
      event("stream to " + node + " failed: " + t);
      reconnect();
    }

    @Override
    public synchronized void onCompleted() {
      done = true;
      event("stream to " + node + " completed");
      reconnect();
    }
  }

  static List<String> routeNamesOf(Any listener) {
    List<String> out = new ArrayList<>();
    try {
      Listener l = listener.unpack(Listener.class);
      for (FilterChain chain : l.getFilterChainsList()) {
        for (Filter f : chain.getFiltersList()) {
          if (f.getTypedConfig().is(HttpConnectionManager.class)) {
            HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
            if (hcm.hasRds()) {
              out.add(hcm.getRds().getRouteConfigName());
            }
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a Listener that does not parse: " + e.getMessage(), e);
    }
    return out;
  }

  /** The largest /v<N> among the route matches: the workload's write counter. */
  static long counterOf(Any route) {
    long counter = 0;
    try {
      RouteConfiguration rc = route.unpack(RouteConfiguration.class);
      for (VirtualHost vh : rc.getVirtualHostsList()) {
        for (Route r : vh.getRoutesList()) {
          Matcher m = COUNTER.matcher(r.getMatch().toString());
          while (m.find()) {
            counter = Math.max(counter, Long.parseLong(m.group(1)));
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a RouteConfiguration that does not parse: " + e.getMessage(), e);
    }
    return counter;
  }

  @Override
  public void close() {
    closed = true;
    reconnects.shutdownNow();
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
