package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.apiserver.ProcessCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against three real gloo-control processes, through the kubeconfig they write (every
 * node a failover target, each with its own CA). Tests run in order on one cluster: each builds
 * on the objects the previous ones created, and the last one kills a node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GlooApiClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP = String.join("\n",
      "apiVersion: gateway.networking.k8s.io/v1",
      "kind: Gateway",
      "metadata: {name: gw, labels: {app: web}}",
      "spec:",
      "  gatewayClassName: gloo-gateway",
      "  listeners:",
      "  - {name: http, protocol: HTTP, port: 8080, allowedRoutes: {namespaces: {from: All}}}",
      "---",
      "apiVersion: gloo.solo.io/v1",
      "kind: Upstream",
      "metadata: {name: web, labels: {app: web}}",
      "spec:",
      "  static:",
      "    hosts: [{addr: 10.1.2.3, port: 80}]",
      "---",
      "apiVersion: gateway.networking.k8s.io/v1",
      "kind: HTTPRoute",
      "metadata: {name: route}",
      "spec:",
      "  parentRefs: [{name: gw}]",
      "  hostnames: [HOST]",
      "  rules:",
      "  - backendRefs: [{name: web, port: 80, kind: Upstream, group: gloo.solo.io}]",
      "");

  @TempDir static Path tmp;
  static ProcessCluster cluster;
  static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(tmp.resolve("nodes"));
    cluster = new ProcessCluster(tmp.resolve("nodes"), 3);
    try {
      for (String id : cluster.ids()) {
        cluster.start(id);
      }
      for (String id : cluster.ids()) {
        awaitReady(id);
      }
      kubeconfig = writeKubeconfig();
    } catch (Throwable t) {
      cluster.close();
      throw t;
    }
    Files.writeString(tmp.resolve("app.yaml"), APP.replace("HOST", "shop.example.com"));
  }

  /**
   * ProcessCluster gives a node 120 s; on a machine shared by several builds a start can take
   * longer, so keep waiting (a node that exited still fails at once).
   */
  private static void awaitReady(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (true) {
      try {
        cluster.awaitReady(id);
        return;
      } catch (AssertionError e) {
        if (!e.getMessage().startsWith(id + " not ready") || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  /** The kubeconfig of ProcessCluster.startAll: one cluster and context per node, each with its CA. */
  private static Path writeKubeconfig() throws Exception {
    StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
    for (String id : cluster.ids()) {
      y.append("- name: ").append(id).append("\n  cluster:\n    server: ").append(cluster.apiUrl(id))
          .append("\n    certificate-authority-data: ")
          .append(Base64.getEncoder().encodeToString(Files.readAllBytes(cluster.caFile(id)))).append("\n");
    }
    y.append("users:\n- name: admin\n  user:\n    token: ").append(cluster.token()).append("\ncontexts:\n");
    for (String id : cluster.ids()) {
      y.append("- name: ").append(id).append("\n  context: {cluster: ").append(id).append(", user: admin, namespace: default}\n");
    }
    y.append("current-context: node1\n");
    Files.writeString(cluster.kubeconfig(), y.toString());
    return cluster.kubeconfig();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** glooapi --kubeconfig KC ARGS..., with nothing from the test JVM's environment. */
  static Cli.Result cli(String... args) {
    return cliWithStdin(null, args);
  }

  static Cli.Result cliWithStdin(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
    all.addAll(List.of(args));
    Cli.Result r = Cli.run(Map.of(), tmp, tmp, stdin, all.toArray(String[]::new));
    // A transcript in the test's output file, to read what users see.
    System.out.println("$ glooapi " + String.join(" ", args) + "\n" + r.out() + r.err() + "(exit " + r.code() + ")\n");
    return r;
  }

  static Cli.Result ok(String... args) {
    Cli.Result r = cli(args);
    assertEquals(0, r.code(), String.join(" ", args) + ": " + r);
    return r;
  }

  @Test
  @Order(1)
  void createsNamespacesAndSecrets() throws Exception {
    assertEquals("namespace/shop created\n", ok("create", "namespace", "shop").out());
    Cli.Result again = cli("create", "namespace", "shop");
    assertEquals(1, again.code());
    assertTrue(again.err().matches("error: Error from server \\(AlreadyExists\\) at https://127\\.0\\.0\\.1:\\d+: .*shop.*\n"),
        again.err());

    Files.writeString(tmp.resolve("pw"), "s3cret");
    assertEquals("secret/creds created\n", ok("create", "secret", "generic", "creds", "-n", "shop",
        "--from-literal", "user=admin", "--from-file", "password=" + tmp.resolve("pw")).out());
    JsonNode secret = JSON.readTree(ok("get", "secret", "creds", "-n", "shop", "-o", "json").out());
    assertEquals("admin", decode(secret.path("data").path("user")));
    assertEquals("s3cret", decode(secret.path("data").path("password")));
    assertEquals("Opaque", secret.path("type").asText());

    Path tls = cluster.dir.resolve("node1").resolve("tls");
    assertEquals("secret/gw-cert created\n", ok("create", "secret", "tls", "gw-cert", "-n", "shop",
        "--cert", tls.resolve("server.crt").toString(), "--key", tls.resolve("server.key").toString()).out());
    JsonNode cert = JSON.readTree(ok("get", "secrets/gw-cert", "-n", "shop", "-o", "json").out());
    assertEquals("kubernetes.io/tls", cert.path("type").asText());
    assertEquals(Files.readString(tls.resolve("server.key")), decode(cert.path("data").path("tls.key")));

    Cli.Result notPem = cli("create", "secret", "tls", "bad", "-n", "shop", "--cert", tmp.resolve("pw").toString(),
        "--key", tls.resolve("server.key").toString());
    assertEquals(1, notPem.code());
    assertTrue(notPem.err().startsWith("error: --cert " + tmp.resolve("pw") + ": "), notPem.err());
  }

  private static String decode(JsonNode b64) {
    return new String(Base64.getDecoder().decode(b64.asText()), StandardCharsets.UTF_8);
  }

  @Test
  @Order(2)
  void applyCreatesThenLeavesUnchangedThenConfiguresOnlyWhatChangedAndKubectlAgrees() throws Exception {
    String file = tmp.resolve("app.yaml").toString();
    assertEquals(String.join("\n", "gateway.gateway.networking.k8s.io/gw created",
        "upstream.gloo.solo.io/web created", "httproute.gateway.networking.k8s.io/route created", ""),
        ok("apply", "-f", file, "-n", "shop").out());
    assertEquals(String.join("\n", "gateway.gateway.networking.k8s.io/gw unchanged",
        "upstream.gloo.solo.io/web unchanged", "httproute.gateway.networking.k8s.io/route unchanged", ""),
        ok("apply", "-f", file, "-n", "shop").out());

    // kubectl reads the same last-applied annotation: it sees nothing to do either. (It rewrites
    // the route's server-defaulted parentRefs every time, which glooapi knows to leave alone.)
    ProcessCluster.Result k = cluster.kubectl("node2", "apply", "-n", "shop", "-f", file);
    assertEquals(0, k.code(), k.out());
    assertTrue(k.out().contains("gateway.gateway.networking.k8s.io/gw unchanged"), k.out());
    assertTrue(k.out().contains("upstream.gloo.solo.io/web unchanged"), k.out());
    assertTrue(ok("apply", "-f", file, "-n", "shop").out().contains("httproute.gateway.networking.k8s.io/route unchanged"),
        "what kubectl wrote is what glooapi applies");

    // From stdin, with one field changed: only the route is written.
    Cli.Result changed = cliWithStdin(APP.replace("HOST", "shop2.example.com"), "apply", "-f", "-", "-n", "shop");
    assertEquals(0, changed.code(), changed.toString());
    assertEquals(String.join("\n", "gateway.gateway.networking.k8s.io/gw unchanged",
        "upstream.gloo.solo.io/web unchanged", "httproute.gateway.networking.k8s.io/route configured", ""), changed.out());
    JsonNode route = JSON.readTree(ok("get", "httproute", "route", "-n", "shop", "-o", "json").out());
    assertEquals("shop2.example.com", route.path("spec").path("hostnames").get(0).asText());

    // Dropping a field from the manifest removes it from the object.
    Files.writeString(tmp.resolve("gw-nolabel.yaml"), APP.split("---")[0].replace(", labels: {app: web}", ""));
    assertEquals("gateway.gateway.networking.k8s.io/gw configured\n",
        ok("apply", "-f", tmp.resolve("gw-nolabel.yaml").toString(), "-n", "shop").out());
    JsonNode gw = JSON.readTree(ok("get", "gtw/gw", "-n", "shop", "-o", "json").out());
    assertFalse(gw.path("metadata").path("labels").has("app"), gw.toString());
    ok("apply", "-f", file, "-n", "shop");
  }

  @Test
  @Order(3)
  void applyReportsEachBadObjectOnItsOwnLineAndGoesOn() throws Exception {
    Files.writeString(tmp.resolve("mixed.yaml"), String.join("\n",
        "apiVersion: gloo.solo.io/v1", "kind: Upstream", "metadata: {name: bad-one, namespace: shop}",
        "spec: {static: {hosts: \"not-a-list\"}}",
        "---",
        "apiVersion: example.com/v1", "kind: Widget", "metadata: {name: w}",
        "---",
        "apiVersion: gloo.solo.io/v1", "kind: Upstream", "metadata: {name: good-one, namespace: shop}",
        "spec: {static: {hosts: [{addr: 10.0.0.2, port: 80}]}}", ""));
    Cli.Result r = cli("apply", "-f", tmp.resolve("mixed.yaml").toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("upstream.gloo.solo.io/good-one created\n", r.out());
    List<String> errors = r.err().lines().toList();
    assertEquals(2, errors.size(), r.err());
    assertTrue(errors.get(0).startsWith("error: " + tmp.resolve("mixed.yaml") + ": Error from server (Invalid) at https://"),
        errors.get(0));
    assertEquals("error: " + tmp.resolve("mixed.yaml") + " (document 2): no matches for kind \"Widget\" in version"
        + " \"example.com/v1\"", errors.get(1));

    Cli.Result wrongNs = cli("apply", "-f", tmp.resolve("mixed.yaml").toString(), "-n", "other");
    assertTrue(wrongNs.err().contains("the namespace from the provided object \"shop\" does not match the namespace \"other\""),
        wrongNs.err());
  }

  @Test
  @Order(4)
  void getPrintsTheServersTablesAndEveryOutputFormat() throws Exception {
    Cli.Result table = ok("get", "gateways", "-n", "shop");
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(0).matches("NAME\\s+CLASS\\s+.*AGE"), table.out());
    assertTrue(lines.get(1).matches("gw\\s+gloo-gateway\\s+.*"), table.out());

    Cli.Result all = ok("get", "gtw", "-A");
    assertTrue(all.out().lines().findFirst().orElse("").startsWith("NAMESPACE   NAME"), all.out());
    assertTrue(all.out().lines().anyMatch(l -> l.matches("shop\\s+gw\\s+gloo-gateway.*")), all.out());

    assertEquals("gateway.gateway.networking.k8s.io/gw\n", ok("get", "gateway/gw", "-n", "shop", "-o", "name").out());
    JsonNode yaml = Printer.YAML.readTree(ok("get", "gateway.gateway.networking.k8s.io", "gw", "-n", "shop", "-o", "yaml").out());
    assertEquals("Gateway", yaml.path("kind").asText());
    assertEquals(8080, yaml.path("spec").path("listeners").get(0).path("port").asInt());

    JsonNode list = JSON.readTree(ok("get", "upstreams", "-n", "shop", "-l", "app=web", "-o", "json").out());
    assertEquals("List", list.path("kind").asText());
    assertEquals(1, list.path("items").size());
    assertEquals("web", list.path("items").get(0).path("metadata").path("name").asText());
    assertEquals("Upstream", list.path("items").get(0).path("kind").asText());

    Cli.Result none = ok("get", "routeoptions", "-n", "shop");
    assertEquals("", none.out());
    assertEquals("No resources found in shop namespace.\n", none.err());

    Cli.Result missing = cli("get", "httproute", "nope", "-n", "shop");
    assertEquals(1, missing.code());
    assertTrue(missing.err().matches("error: Error from server \\(NotFound\\) at https://127\\.0\\.0\\.1:\\d+: "
        + "httproutes\\.gateway\\.networking\\.k8s\\.io \"nope\" not found\n"), missing.err());

    assertTrue(ok("get", "gatewayclass").out().contains("gloo-gateway"));
  }

  @Test
  @Order(5)
  void waitSeesGatewayAndPerParentRouteConditionsAndGlooStates() throws Exception {
    assertEquals("gateway.gateway.networking.k8s.io/gw condition met\n",
        ok("wait", "--for=condition=Programmed", "gateway/gw", "-n", "shop", "--timeout", "60s").out());
    assertEquals("httproute.gateway.networking.k8s.io/route condition met\nupstream.gloo.solo.io/web condition met\n",
        ok("wait", "--for=condition=Accepted", "httproute/route", "upstream/web", "-n", "shop", "--timeout=60s").out());

    Files.writeString(tmp.resolve("broken.yaml"), APP.split("---")[2].replace("name: route", "name: broken")
        .replace("HOST", "broken.example.com").replace("name: web", "name: missing-upstream"));
    ok("apply", "-f", tmp.resolve("broken.yaml").toString(), "-n", "shop");
    ok("wait", "--for=condition=ResolvedRefs=False", "httproute/broken", "-n", "shop", "--timeout=60s");
    Cli.Result timedOut = cli("wait", "--for=condition=ResolvedRefs", "httproute/broken", "-n", "shop", "--timeout=1s");
    assertEquals(1, timedOut.code());
    assertTrue(timedOut.err().startsWith("error: timed out waiting for the condition on httproutes/broken: "
        + "parent gateway shop/gw: ResolvedRefs=False "), timedOut.err());

    Cli.Result described = ok("describe", "httproute", "broken", "-n", "shop");
    assertTrue(described.out().contains("Name:             broken"), described.out());
    assertTrue(described.out().contains("Namespace:        shop"), described.out());
    assertTrue(described.out().contains("hostnames:"), described.out());
    assertTrue(described.out().lines().anyMatch(l -> l.matches("\\s+parent gateway shop/gw\\s+ResolvedRefs\\s+False\\s+\\S+.*")),
        described.out());
    assertTrue(described.out().contains("Problems:\n  parent gateway shop/gw: ResolvedRefs is False because "),
        described.out());
    assertFalse(described.out().contains("last-applied-configuration"), "the annotation is noise in describe");
    ok("delete", "httproute", "broken", "-n", "shop");
  }

  @Test
  @Order(6)
  void envoyConfigAndABootstrapNamingEveryNode() throws Exception {
    Cli.Result config = ok("envoy", "config", "--gateway", "shop/gw");
    assertTrue(config.out().contains("8080") && config.out().contains("shop.example.com"), config.out());
    Cli.Result missing = cli("envoy", "config", "--gateway", "shop/nope");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("(NotFound)") && missing.err().contains("not translated"), missing.err());

    JsonNode b = Printer.YAML.readTree(ok("envoy", "bootstrap", "--gateway", "shop/gw", "--node-id", "vm-7").out());
    assertEquals("shop/gw", b.path("node").path("metadata").path("gloo.solo.io/gateway").asText());
    assertEquals("vm-7", b.path("node").path("id").asText());
    List<String> endpoints = new ArrayList<>();
    for (JsonNode e : b.path("static_resources").path("clusters").get(0).path("load_assignment").path("endpoints")
        .get(0).path("lb_endpoints")) {
      JsonNode sa = e.path("endpoint").path("address").path("socket_address");
      endpoints.add(sa.path("address").asText() + ":" + sa.path("port_value").asInt());
    }
    List<String> expected = new ArrayList<>();
    for (String id : List.of("node1", "node2", "node3")) {
      expected.add("127.0.0.1:" + cluster.xdsPort(id));
    }
    assertEquals(expected.stream().sorted().toList(), endpoints.stream().sorted().toList());
    Cli.Result noGateway = cli("envoy", "bootstrap", "--gateway", "shop/nope");
    assertEquals(1, noGateway.code());
    assertTrue(noGateway.err().contains("(NotFound)"), noGateway.err());
  }

  @Test
  @Order(7)
  void clusterStatusHasOneRowPerNodeWithOneLeader() {
    Cli.Result r = ok("cluster", "status");
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).matches("NODE\\s+ADDRESS\\s+ROLE\\s+TERM\\s+LEADER\\s+COMMIT\\s+APPLIED\\s+LAG\\s+STATE"), r.out());
    assertEquals(4, lines.size(), r.out());
    assertEquals(1, lines.stream().skip(1).filter(l -> l.contains(" LEADER ")).count(), r.out());
    for (String id : List.of("node1", "node2", "node3")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(id + " ") && l.endsWith("ok")), r.out());
    }
  }

  @Test
  @Order(8)
  void watchPrintsChangesAsTheyHappen() throws Exception {
    CompletableFuture<Cli.Result> watching = CompletableFuture.supplyAsync(
        () -> cli("get", "upstreams", "-n", "shop", "-w", "--watch-timeout", "10s"));
    Thread.sleep(3000);
    Files.writeString(tmp.resolve("late.yaml"), "apiVersion: gloo.solo.io/v1\nkind: Upstream\n"
        + "metadata: {name: late-arrival, namespace: shop}\nspec: {static: {hosts: [{addr: 10.9.9.9, port: 80}]}}\n");
    ok("apply", "-f", tmp.resolve("late.yaml").toString());
    ok("delete", "-f", tmp.resolve("late.yaml").toString());
    Cli.Result r = watching.get(60, TimeUnit.SECONDS);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("web ")), "the listing first: " + r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("late-arrival ")), "then the new object: " + r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("late-arrival (deleted)")), "and its deletion: " + r.out());
  }

  @Test
  @Order(9)
  void deleteByNameAndByFile() {
    Cli.Result missing = cli("delete", "upstream", "nope", "-n", "shop");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("(NotFound)") && missing.err().contains("\"nope\" not found"), missing.err());
    assertEquals("", ok("delete", "upstream", "nope", "-n", "shop", "--ignore-not-found").out());
    assertEquals("upstream.gloo.solo.io \"good-one\" deleted\n", ok("delete", "upstreams/good-one", "-n", "shop").out());
  }

  /** bin/glooapi as a user runs it: from a folder holding data/kubeconfig, with no flags. */
  @Test
  @Order(10)
  void binScriptUsesTheLocalClusterKubeconfigWithoutFlags() throws Exception {
    Path work = tmp.resolve("work");
    Files.createDirectories(work.resolve("data"));
    Files.copy(kubeconfig, work.resolve("data").resolve("kubeconfig"));
    Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("bin").resolve("glooapi");
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "get", "gateways", "-n", "shop").directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("GLOO_") || k.equals("KUBECONFIG"));
    pb.environment().put("HOME", tmp.toString());
    pb.environment().put("GLOOAPI_NO_BUILD", "1");
    Process p = pb.redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/glooapi finished");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("gw\\s+gloo-gateway.*")), out);

    Process bad = new ProcessBuilder(script.toString(), "get").directory(work.toFile()).redirectErrorStream(true).start();
    assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, bad.exitValue(), "usage errors exit 2");
  }

  /** Last: kills node1, the kubeconfig's current context and so the first node tried. */
  @Test
  @Order(11)
  void everyVerbFallsOverWhenANodeIsDown() throws Exception {
    cluster.kill("node1");
    assertTrue(ok("get", "gateways", "-n", "shop").out().contains("gw"));
    ok("apply", "-f", tmp.resolve("late.yaml").toString());
    ok("wait", "--for=condition=Accepted", "upstream/late-arrival", "-n", "shop", "--timeout=60s");
    Cli.Result explicit = Cli.run(Map.of("GLOO_TOKEN", cluster.token()), tmp, tmp, null, "--server",
        cluster.apiUrl("node1") + "," + cluster.apiUrl("node3"), "--certificate-authority",
        bundle().toString(), "get", "upstream", "late-arrival", "-n", "shop", "-o", "name");
    assertEquals(0, explicit.code(), explicit.toString());
    assertEquals("upstream.gloo.solo.io/late-arrival\n", explicit.out());

    Cli.Result status = cli("cluster", "status");
    assertEquals(1, status.code(), "a node down is an alert: " + status);
    List<String> lines = status.out().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("node1 ") && l.endsWith("unreachable (not answering)")), status.out());
    assertTrue(lines.stream().anyMatch(l -> l.contains(cluster.apiUrl("node1")) && l.contains("unreachable: connection refused")),
        status.out());
    assertEquals(1, lines.stream().skip(1).filter(l -> l.contains(" LEADER ")).count(), status.out());

    Cli.Result bootstrap = cli("envoy", "bootstrap", "--gateway", "shop/gw");
    assertEquals(1, bootstrap.code(), "a bootstrap missing a node would lose failover: " + bootstrap);
    assertTrue(bootstrap.err().contains("--xds-address"), bootstrap.err());
  }

  /** One PEM file holding every node's CA, as an operator would build for --certificate-authority. */
  private static Path bundle() throws Exception {
    Path out = tmp.resolve("all-cas.pem");
    StringBuilder sb = new StringBuilder();
    for (String id : List.of("node1", "node2", "node3")) {
      sb.append(Files.readString(cluster.caFile(id)));
    }
    Files.writeString(out, sb.toString());
    return out;
  }
}
