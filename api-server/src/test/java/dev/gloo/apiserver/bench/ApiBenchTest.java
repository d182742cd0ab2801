package dev.gloo.apiserver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.apiserver.ProcessCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The API benchmark's client against a real node: keep-alive, both body framings, and a short run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiBenchTest {
  private static final String ROUTES = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes";
  private ProcessCluster cluster;
  private String token;
  private Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    cluster = new ProcessCluster(dir, 1);
    cluster.startAll();
    token = cluster.token();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void oneConnectionCarriesRequestsOfEitherFraming() throws Exception {
    try (ApiBench.Connection c = new ApiBench.Connection(LoopbackTls.trustAll(), URI.create(cluster.apiUrl("node1")))) {
      ApiBench.Response created = c.send("POST", ROUTES, token,
          "{\"metadata\":{\"name\":\"framing\"},\"spec\":{}}".getBytes(StandardCharsets.UTF_8));
      assertEquals(201, created.status(), created.body());
      assertTrue(created.body().contains("\"name\":\"framing\""), created.body());
      ApiBench.Response missing = c.send("GET", ROUTES + "/nope", token, new byte[0]);
      assertEquals(404, missing.status());
      assertTrue(missing.body().contains("\"reason\":\"NotFound\""), missing.body());
      // A watch answers chunked and ends after its timeout; the connection is usable after it.
      ApiBench.Response watch = c.send("GET", ROUTES + "?watch=true&resourceVersion=0&timeoutSeconds=1", token,
          new byte[0]);
      assertEquals(200, watch.status());
      assertTrue(watch.body().contains("\"type\":\"ADDED\"") && watch.body().contains("framing"), watch.body());
      ApiBench.Response again = c.send("GET", ROUTES + "/framing", token, new byte[0]);
      assertEquals(200, again.status(), again.body());
    }
  }

  @Test
  void aShortRunReportsOperationsAndNoErrors() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ApiBench.main(new String[] {"--servers", cluster.apiUrl("node1"), "--token-file",
          dir.resolve("admin.token").toString(), "--concurrency", "2", "--duration", "2", "--warmup", "0.5"});
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    for (String mode : new String[] {"create", "update"}) {
      String line = printed.lines().filter(l -> l.startsWith("RESULT api " + mode + " ")).findFirst().orElseThrow(
          () -> new AssertionError("no RESULT line for " + mode + " in:\n" + printed));
      assertTrue(line.endsWith("errors=0"), line);
      long ops = Long.parseLong(line.replaceAll(".*ops_per_s=(\\d+).*", "$1"));
      assertTrue(ops > 0, line);
    }
  }
}
