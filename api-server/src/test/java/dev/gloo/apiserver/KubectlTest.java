package dev.gloo.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unmodified kubectl against a real 3-node cluster. Each command runs against the leader and
 * against followers: any node serves the whole API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class KubectlTest {
  private Path tmp;
  private ProcessCluster cluster;
  private String leader;
  private List<String> followers;

  private static final String MANIFEST = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: http-gateway
        namespace: gloo-system
      spec:
        gatewayClassName: gloo-gateway
        listeners:
        - name: http
          protocol: HTTP
          port: 8080
          allowedRoutes: {namespaces: {from: All}}
      ---
      apiVersion: gloo.solo.io/v1
      kind: Upstream
      metadata:
        name: httpbin
        namespace: NS
      spec:
        static:
          hosts: [{addr: httpbin.org, port: 80}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: httpbin
        namespace: NS
      spec:
        parentRefs: [{name: http-gateway, namespace: gloo-system}]
        hostnames: [api.example.com]
        rules:
        - backendRefs: [{name: httpbin, port: 80, kind: Upstream, group: gloo.solo.io}]
      """;

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    tmp = dir;
    cluster = new ProcessCluster(tmp, 3);
    try {
      cluster.addSetting("WATCH_BOOKMARK_SECONDS=1");
      cluster.startAll();
      var status = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(cluster.admin("node1", "/status").body()).get("store");
      leader = status.get("leaderId").asText();
      followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
      awaitBootstrap();
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  @AfterAll
  void stopCluster() {
    cluster.close();
  }

  private void awaitBootstrap() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ok("node1", "get", "namespace", "gloo-system").contains("gloo-system")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("bootstrap namespaces never appeared");
      }
      Thread.sleep(500);
    }
  }

  private String ok(String context, String... args) throws Exception {
    ProcessCluster.Result r = cluster.kubectl(context, args);
    assertEquals(0, r.code(), () -> "kubectl " + String.join(" ", args) + " on " + context + ":\n" + r.out());
    return r.out();
  }

  private Path manifest(String ns) throws Exception {
    Path f = tmp.resolve("manifest-" + ns + ".yaml");
    Files.writeString(f, MANIFEST.replace("NS", ns));
    return f;
  }

  @Test
  void applyTwiceGetAndDeleteOnEveryNode() throws Exception {
    for (String node : List.of(leader, followers.get(0))) {
      String ns = "apply-" + node;
      ok(node, "create", "namespace", ns);
      String first = ok(node, "apply", "-f", manifest(ns).toString());
      assertTrue(first.contains("httproute.gateway.networking.k8s.io/httpbin created"), first);
      assertTrue(first.contains("upstream.gloo.solo.io/httpbin created"), first);
      String second = ok(node, "apply", "-f", manifest(ns).toString());
      assertTrue(second.contains("upstream.gloo.solo.io/httpbin unchanged"), second);

      // A write on one node is read at once, linearizably, on another.
      String other = followers.get(1);
      String yaml = ok(other, "get", "httproute", "httpbin", "-n", ns, "-o", "yaml");
      assertTrue(yaml.contains("hostnames:\n  - api.example.com"), yaml);
      assertTrue(yaml.contains("resourceVersion:"), yaml);

      String table = ok(other, "get", "httproutes", "-n", ns);
      assertTrue(table.startsWith("NAME      HOSTNAMES             AGE"), table);
      assertTrue(ok(node, "get", "gateways", "-A").contains("gloo-system   http-gateway   gloo-gateway"));

      assertTrue(ok(node, "delete", "httproute", "httpbin", "-n", ns).contains("deleted"));
      ProcessCluster.Result gone = cluster.kubectl(other, "get", "httproute", "httpbin", "-n", ns);
      assertEquals(1, gone.code());
      assertTrue(gone.out().contains("Error from server (NotFound): httproutes.gateway.networking.k8s.io \"httpbin\" not found"),
          gone.out());
    }
  }

  @Test
  void serverDryRunStoresNothing() throws Exception {
    ok(followers.get(0), "create", "namespace", "dry");
    String out = ok(followers.get(0), "apply", "--dry-run=server", "-f", manifest("dry").toString());
    assertTrue(out.contains("httproute.gateway.networking.k8s.io/httpbin created (server dry run)"), out);
    ProcessCluster.Result r = cluster.kubectl(leader, "get", "upstream", "httpbin", "-n", "dry");
    assertEquals(1, r.code(), r.out());
  }

  @Test
  void aChunkedGetOnAFollowerListsEveryObjectOnce() throws Exception {
    String node = followers.get(0);
    ok(node, "create", "namespace", "chunks");
    for (int i = 0; i < 5; i++) {
      ok(leader, "create", "configmap", "cm" + i, "-n", "chunks", "--from-literal=i=" + i);
    }
    // kubectl asks for two objects a page and follows the continue tokens.
    String names = ok(node, "get", "configmaps", "-n", "chunks", "--chunk-size=2", "-o", "name");
    assertEquals(List.of("configmap/cm0", "configmap/cm1", "configmap/cm2", "configmap/cm3", "configmap/cm4"),
        names.lines().toList());
  }

  @Test
  void createSecretTlsAndConfigMapFromTypedCommands() throws Exception {
    Path cert = tmp.resolve("tls.crt");
    Path key = tmp.resolve("tls.key");
    Files.writeString(cert, Files.readString(tmp.resolve("node1").resolve("tls").resolve("server.crt")));
    Files.writeString(key, Files.readString(tmp.resolve("node1").resolve("tls").resolve("server.key")));
    ok(followers.get(0), "create", "secret", "tls", "gw-cert", "-n", "gloo-system", "--cert", cert.toString(),
        "--key", key.toString());
    assertEquals("kubernetes.io/tls", ok(leader, "get", "secret", "gw-cert", "-n", "gloo-system", "-o",
        "jsonpath={.type}"));
    ok(leader, "create", "configmap", "settings", "--from-literal=mode=fast");
    assertEquals("fast", ok(followers.get(1), "get", "configmap", "settings", "-o", "jsonpath={.data.mode}"));
  }

  @Test
  void invalidObjectsAreRefusedWithTheCrdsOwnMessages() throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: bad-tls, namespace: default}
        spec:
          gatewayClassName: gloo-gateway
          listeners:
          - name: http
            protocol: HTTP
            port: 80
            tls: {mode: Terminate, certificateRefs: [{name: c}]}
        """);
    ProcessCluster.Result r = cluster.kubectl(followers.get(0), "apply", "-f", bad.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"),
        r.out());

    Files.writeString(bad, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: both, namespace: default}
        spec:
          rules:
          - filters:
            - {type: RequestRedirect, requestRedirect: {scheme: https}}
            - {type: URLRewrite, urlRewrite: {hostname: example.org}}
        """);
    r = cluster.kubectl(leader, "apply", "-f", bad.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both"),
        r.out());

    Files.writeString(bad, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: typo, namespace: default}
        spec:
          hostnamez: [a.example.com]
        """);
    r = cluster.kubectl(leader, "apply", "-f", bad.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("strict decoding error: unknown field \"spec.hostnamez\""), r.out());
    assertFalse(ok(leader, "get", "httproutes", "-n", "default").contains("typo"));
  }

  @Test
  void aWatchOnAFollowerSeesAWriteMadeOnTheLeader() throws Exception {
    ok(leader, "create", "namespace", "watched");
    ok(leader, "apply", "-f", manifest("watched").toString());
    // The controller writes the Upstream's status once; wait for it, so the only change the
    // watch sees after the list is the label written below.
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ok(leader, "get", "upstream", "httpbin", "-n", "watched", "-o",
        "jsonpath={.status.statuses.watched.state}").contains("Accepted") && System.nanoTime() < settle) {
      Thread.sleep(200);
    }
    Path out = tmp.resolve("watch.out");
    Process watch = new ProcessBuilder("kubectl", "--kubeconfig", cluster.kubeconfig().toString(), "--context",
        followers.get(1), "get", "upstreams", "-n", "watched", "-w", "-o", "name")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(out).contains("upstream.gloo.solo.io/httpbin") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      ok(leader, "label", "upstream", "httpbin", "-n", "watched", "tier=backend");
      while (Files.readString(out).split("upstream.gloo.solo.io/httpbin", -1).length < 3
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(3, Files.readString(out).split("upstream.gloo.solo.io/httpbin", -1).length,
          "expected the listed object and then the MODIFIED event: " + Files.readString(out));
    } finally {
      watch.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fabric8IsASecondIndependentClient() throws Exception {
    for (String node : List.of(leader, followers.get(0))) {
      io.fabric8.kubernetes.client.Config config = new io.fabric8.kubernetes.client.ConfigBuilder()
          .withMasterUrl("https://127.0.0.1:" + cluster.apiPorts.get(node))
          .withOauthToken(Files.readString(tmp.resolve("admin.token")).strip())
          .withCaCertFile(tmp.resolve(node).resolve("tls").resolve("ca.crt").toString())
          .withNamespace("default")
          .build();
      try (io.fabric8.kubernetes.client.KubernetesClient client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
        String name = "fabric8-" + node;
        var route = new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder()
            .withNewMetadata().withName(name).withNamespace("default").addToLabels("client", "fabric8").endMetadata()
            .withNewSpec().addToHostnames("f8.example.com")
            .addNewParentRef().withName("http-gateway").withNamespace("gloo-system").endParentRef()
            .endSpec().build();
        var created = client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
            .inNamespace("default").resource(route).create();
        assertEquals(1L, created.getMetadata().getGeneration());
        assertEquals("gateway.networking.k8s.io", created.getSpec().getParentRefs().get(0).getGroup(),
            "the server applied the schema's defaults");

        var listed = client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
            .inNamespace("default").withLabel("client", "fabric8").list().getItems();
        assertTrue(listed.stream().anyMatch(r -> r.getMetadata().getName().equals(name)));

        var edited = client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
            .inNamespace("default").withName(name)
            .edit(r -> { r.getSpec().setHostnames(List.of("edited.example.com")); return r; });
        assertEquals(2L, edited.getMetadata().getGeneration());

        var ns = client.namespaces().withName("gloo-system").get();
        assertEquals("gloo-system", ns.getMetadata().getName());
        assertTrue(client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
            .inNamespace("default").withName(name).delete().size() == 1);
      }
    }
  }

  @Test
  void aWatchThatAllowsBookmarksReportsItsProgressWhileNothingItSelectsChanges() throws Exception {
    ok(leader, "create", "namespace", "bookmarks");
    var http = java.net.http.HttpClient.newBuilder().sslContext(dev.gloo.apiserver.bench.LoopbackTls.trustAll()).build();
    String token = Files.readString(tmp.resolve("admin.token")).strip();
    String base = "https://127.0.0.1:" + cluster.apiPorts.get(followers.get(0));
    var list = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
        + "/apis/gloo.solo.io/v1/namespaces/bookmarks/upstreams")).header("Authorization", "Bearer " + token).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    long listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.body())
        .at("/metadata/resourceVersion").asLong();
    // A change elsewhere moves the store on; the watch on this empty namespace sees no event.
    ok(leader, "create", "configmap", "elsewhere", "--from-literal=a=b");
    var watch = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
        + "/apis/gloo.solo.io/v1/namespaces/bookmarks/upstreams?watch=true&allowWatchBookmarks=true&timeoutSeconds=4"
        + "&resourceVersion=" + listed)).header("Authorization", "Bearer " + token).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, watch.statusCode());
    var lines = watch.body().lines().toList();
    assertTrue(!lines.isEmpty(), "no bookmark in 4 s with a 1 s interval");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : lines) {
      var ev = mapper.readTree(line);
      assertEquals("BOOKMARK", ev.get("type").asText(), line);
      assertEquals("Upstream", ev.at("/object/kind").asText());
      assertTrue(ev.at("/object/metadata/resourceVersion").asLong() > listed,
          "the bookmark should carry the revision the watch has seen: " + line);
    }
  }
}
