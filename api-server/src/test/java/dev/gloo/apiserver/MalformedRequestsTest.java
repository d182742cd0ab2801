package dev.gloo.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever a client sends (random and malformed bodies, content types, paths, query
 * strings, methods), the answer is never a 5xx, errors are {@code Status} objects, and the
 * store revision does not move. Seeded; the seed is in every failure message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MalformedRequestsTest {
  private static final List<String> PATHS = List.of(
      "/api/v1/namespaces", "/api/v1/namespaces/default", "/api/v1/namespaces/default/secrets",
      "/api/v1/namespaces/default/configmaps/x", "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes",
      "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r1",
      "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r1/status",
      "/apis/gateway.networking.k8s.io/v1/gatewayclasses/gloo-gateway", "/apis/gloo.solo.io/v1/upstreams",
      "/apis/nope/v1/things", "/api/v2/pods", "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r1/scale",
      "/openapi/v3/apis/x/y", "/apis/gateway.networking.k8s.io", "/api/v1/namespaces/default/secrets/%00%ff");
  private static final List<String> TYPES = List.of("application/json", "application/yaml",
      "application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json",
      "application/apply-patch+yaml", "application/vnd.kubernetes.protobuf", "text/plain", "");
  private static final List<String> QUERIES = List.of("", "?dryRun=All", "?dryRun=Some", "?fieldValidation=Bogus",
      "?limit=-1", "?limit=abc", "?continue=%25%25", "?labelSelector=a%20in%20(", "?fieldSelector=spec.x%3Dy",
      "?watch=true&resourceVersion=abc&timeoutSeconds=1", "?resourceVersion=0", "?timeoutSeconds=-5&watch=1");
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  private ProcessCluster cluster;
  private HttpClient http;
  private String base;
  private String token;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    cluster = new ProcessCluster(dir, 1);
    cluster.startAll();
    base = "https://127.0.0.1:" + cluster.apiPorts.get("node1");
    token = Files.readString(dir.resolve("admin.token")).strip();
    http = HttpClient.newBuilder().sslContext(dev.gloo.apiserver.bench.LoopbackTls.trustAll()).connectTimeout(Duration.ofSeconds(5)).build();
    // one object to aim at
    send("POST", "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes", "application/json",
        "{\"metadata\":{\"name\":\"r1\"},\"spec\":{}}".getBytes());
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private HttpResponse<String> send(String method, String path, String type, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (!type.isEmpty()) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private long revision() throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/namespaces", "", null);
    return json.readTree(r.body()).at("/metadata/resourceVersion").asLong();
  }

  /**
   * The revision once it has not moved for 1.5 s: the node's own bootstrap writes (objects and
   * their statuses) must be done before a run counts writes.
   */
  private long settledRevision() throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    long last = revision();
    long since = System.nanoTime();
    while (System.nanoTime() - since < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1500)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = revision();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      }
    }
    return last;
  }

  @RepeatedTest(12)
  void noInputYieldsA5xxOrAWrite(RepetitionInfo info) throws Exception {
    long seed = 0x5eedL + info.getCurrentRepetition();
    Random random = new Random(seed);
    long before = settledRevision();
    String previous = "";
    List<String> accepted = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String method = METHODS.get(random.nextInt(METHODS.size()));
      String path = PATHS.get(random.nextInt(PATHS.size())) + QUERIES.get(random.nextInt(QUERIES.size()));
      String type = TYPES.get(random.nextInt(TYPES.size()));
      byte[] body = randomBody(random);
      HttpResponse<String> r;
      try {
        r = send(method, path, type, method.equals("GET") ? null : body);
      } catch (java.io.IOException e) {
        throw new AssertionError("seed " + seed + ", request " + i + ": " + method + " " + path + " (" + type
            + "): no response: " + e + " (after " + previous + ")", e);
      }
      String where = "seed " + seed + ", request " + i + ": " + method + " " + path + " (" + type + ") "
          + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1) + " -> " + r.statusCode() + " " + r.body();
      assertTrue(r.statusCode() < 500, where);
      previous = where;
      if (!method.equals("GET") && r.statusCode() < 300) {
        accepted.add(where);
      }
      if (r.statusCode() >= 400) {
        JsonNode status;
        try {
          status = json.readTree(r.body());
        } catch (java.io.IOException e) {
          throw new AssertionError(where, e);
        }
        assertEquals("Status", status.path("kind").asText(), where);
        assertEquals(r.statusCode(), status.path("code").asInt(), where);
        assertTrue(!status.path("message").asText().isEmpty(), where);
      }
    }
    assertEquals(before, revision(), "seed " + seed + ": a malformed request changed the store; accepted: " + accepted);
  }

  /** Bodies that are malformed, or well-formed but never valid for any kind here. */
  private static byte[] randomBody(Random random) {
    switch (random.nextInt(8)) {
      case 0:
        byte[] noise = new byte[1 + random.nextInt(64)];
        random.nextBytes(noise);
        return noise;
      case 1:
        return "{\"metadata\":".getBytes();
      case 2:
        return "[1,2,3]".getBytes();
      case 3:
        return "{\"apiVersion\":\"v9\",\"kind\":\"Nope\",\"metadata\":{\"name\":\"x\"}}".getBytes();
      case 4:
        return "{\"metadata\":{\"name\":\"UPPER_case\"}}".getBytes();
      case 5:
        return "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":1}},\"spec\":{\"hostnames\":[\"-bad-\"]}}".getBytes();
      case 6:
        return "k8s\u0000garbage".getBytes();
      default:
        return ("{\"metadata\":{\"name\":\"r1\",\"resourceVersion\":\"1\"},\"spec\":{\"hostnames\":"
            + "[\"a.example.com\"]},\"status\":7}").getBytes();
    }
  }
}
