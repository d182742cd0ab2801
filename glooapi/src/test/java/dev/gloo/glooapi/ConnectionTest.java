package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover rules against small HTTPS servers that answer what a test tells them: 5xx and
 * unreachable nodes are skipped, a 4xx is the answer, the node that answered is asked first
 * next time, and the Status message reaches the user.
 */
class ConnectionTest {
  @TempDir static Path dir;
  static byte[] caPem;
  static SSLContext serverTls;
  static final List<HttpsServer> servers = new ArrayList<>();
  static final List<String> hits = new ArrayList<>();

  @BeforeAll
  static void certificate() throws Exception {
    Path ks = dir.resolve("ks.p12");
    keytool("-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "secret",
        "-alias", "node", "-keyalg", "EC", "-dname", "CN=node", "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
    keytool("-exportcert", "-rfc", "-keystore", ks.toString(), "-storepass", "secret", "-alias", "node",
        "-file", dir.resolve("ca.pem").toString());
    caPem = Files.readAllBytes(dir.resolve("ca.pem"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "secret".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "secret".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** A node that answers every request with {@code code} and {@code body}. */
  private static Endpoint node(String name, int code, String body) throws Exception {
    HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    s.createContext("/", ex -> {
      synchronized (hits) {
        hits.add(name + " " + ex.getRequestMethod() + " " + ex.getRequestURI() + " "
            + ex.getRequestHeaders().getFirst("Authorization"));
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(code, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    servers.add(s);
    return new Endpoint(URI.create("https://127.0.0.1:" + s.getAddress().getPort()), caPem, false);
  }

  private static Endpoint deadNode() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new Endpoint(URI.create("https://127.0.0.1:" + s.getLocalPort()), caPem, false);
    }
  }

  @AfterAll
  static void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private static Connection connect(Endpoint... nodes) {
    return new Connection(new Servers(List.of(nodes), "tok", null, "test"), Duration.ofSeconds(10));
  }

  @Test
  void skipsDeadAndFailingNodesAndKeepsAskingTheOneThatAnswered() throws Exception {
    Endpoint dead = deadNode();
    Endpoint unavailable = node("b", 503, "{\"kind\":\"Status\",\"reason\":\"ServiceUnavailable\",\"message\":\"no leader\"}");
    Endpoint good = node("c", 200, "{\"kind\":\"Thing\"}");
    Connection c = connect(dead, unavailable, good);
    Connection.Response r = c.get("/x");
    assertEquals(200, r.code());
    assertEquals(good.url(), r.node());
    hits.clear();
    c.get("/y");
    assertEquals(List.of("c GET /y Bearer tok"), hits, "the node that answered is asked first");
  }

  @Test
  void aClientErrorIsTheAnswerAndIsNotRetriedElsewhere() throws Exception {
    Endpoint notFound = node("nf", 404, "{\"kind\":\"Status\",\"reason\":\"NotFound\",\"code\":404,"
        + "\"message\":\"gateways.gateway.networking.k8s.io \\\"x\\\" not found\"}");
    Endpoint other = node("other", 200, "{}");
    hits.clear();
    ServerError e = assertThrows(ServerError.class, () -> connect(notFound, other).call("GET", "/g", "application/json",
        null, null));
    assertEquals(404, e.code());
    assertEquals("Error from server (NotFound) at " + notFound.url() + ": gateways.gateway.networking.k8s.io \"x\" not found",
        e.getMessage());
    assertEquals(1, hits.size(), "only the first node was asked: " + hits);
  }

  @Test
  void whenNoNodeAnswersEveryFailureIsNamed() throws Exception {
    Endpoint dead = deadNode();
    Endpoint broken = node("x", 500, "{\"kind\":\"Status\",\"reason\":\"InternalError\",\"message\":\"boom\"}");
    CliException e = assertThrows(CliException.class, () -> connect(dead, broken).get("/apis/g/v1/things?limit=1"));
    assertEquals("no server could answer GET /apis/g/v1/things: " + dead.url() + ": connection refused; "
        + broken.url() + ": 500 InternalError: boom", e.getMessage());
  }

  @Test
  void invalidCausesAreShownWithTheirFields() throws Exception {
    Endpoint invalid = node("inv", 422, "{\"kind\":\"Status\",\"reason\":\"Invalid\",\"code\":422,"
        + "\"message\":\"HTTPRoute \\\"r\\\" is invalid\",\"details\":{\"causes\":[{\"field\":\"spec.hostnames[0]\","
        + "\"message\":\"must match a hostname\"}]}}");
    ServerError e = assertThrows(ServerError.class, () -> connect(invalid).call("POST", "/r", "application/json",
        "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("Error from server (Invalid) at " + invalid.url()
        + ": HTTPRoute \"r\" is invalid: spec.hostnames[0]: must match a hostname", e.getMessage());
  }

  @Test
  void aNodeWithAnotherCaIsATlsFailureThatSaysSo() throws Exception {
    Endpoint good = node("tls", 200, "{}");
    // No CA given: the JDK's default trust store, which does not know the node's certificate.
    Endpoint wrongTrust = new Endpoint(good.url(), null, false);
    CliException e = assertThrows(CliException.class, () -> connect(wrongTrust).get("/"));
    assertTrue(e.getMessage().contains("TLS failed") && e.getMessage().contains("--certificate-authority"), e.getMessage());
  }
}
