package dev.gloo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three real node processes on loopback, started from env files as a user would. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NodeProcessTest {
  @TempDir Path tmp;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void killAll() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void threeProcessesFormAClusterAndSurviveKill9OfTheLeader() throws Exception {
    String clusterId = UUID.randomUUID().toString();
    Map<String, Integer> raftPorts = new LinkedHashMap<>();
    for (String id : List.of("node1", "node2", "node3")) {
      raftPorts.put(id, freePort());
      adminPorts.put(id, freePort());
    }
    StringBuilder cluster = new StringBuilder();
    raftPorts.forEach((id, port) -> cluster.append(cluster.length() == 0 ? "" : ",")
        .append(id).append("=127.0.0.1:").append(port));
    for (String id : raftPorts.keySet()) {
      Path env = tmp.resolve(id + ".env");
      Files.writeString(env, String.join("\n",
          "NODE_ID=" + id,
          "CLUSTER_ID=" + clusterId,
          "DATA_DIR=" + tmp.resolve(id),
          "RAFT_ADDRESS=127.0.0.1:" + raftPorts.get(id),
          "INITIAL_CLUSTER=" + cluster,
          "ADMIN_ADDRESS=127.0.0.1:" + adminPorts.get(id)) + "\n");
      start(id, env);
    }
    for (String id : raftPorts.keySet()) {
      awaitReady(id);
    }
    String leader = leaderSeenBy("node1");
    for (String id : raftPorts.keySet()) {
      assertEquals(leader, leaderSeenBy(id), "nodes disagree on the leader");
      assertEquals(3, status(id).get("members").size());
    }

    processes.get(leader).destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    List<String> survivors = new ArrayList<>(raftPorts.keySet());
    survivors.remove(leader);
    for (String id : survivors) {
      awaitReady(id);
    }
    String newLeader = leaderSeenBy(survivors.get(0));
    assertNotEquals(leader, newLeader);
    assertTrue(survivors.contains(newLeader));

    // The killed node restarts from its data directory and rejoins.
    start(leader, tmp.resolve(leader + ".env"));
    awaitReady(leader);
    assertEquals("FOLLOWER", status(leader).get("role").asText());
  }

  @Test
  void aBadEnvFileExitsWithAClearMessage() throws Exception {
    Path env = tmp.resolve("bad.env");
    Files.writeString(env, "NODE_ID=node1\nCLUSTER_ID=not-a-uuid\n");
    Process p = command(env).redirectErrorStream(true).start();
    processes.put("bad", p);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(2, p.exitValue());
    assertTrue(out.contains("CLUSTER_ID=not-a-uuid: must be a UUID"), out);
  }

  private void start(String id, Path env) throws IOException {
    Path log = tmp.resolve(id + ".log");
    Process p = command(env).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.put(id, p);
  }

  private ProcessBuilder command(Path env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m",
        "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4", "-cp", System.getProperty("java.class.path"),
        StoreNodeMain.class.getName(), "--env-file", env.toString());
  }

  private void awaitReady(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertTrue(processes.get(id).isAlive(), () -> id + " exited: " + log(id));
      try {
        if (get(id, "/readyz").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " not ready: " + log(id));
  }

  private String log(String id) {
    try {
      return Files.readString(tmp.resolve(id + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private String leaderSeenBy(String id) throws Exception {
    return status(id).get("leaderId").asText();
  }

  private JsonNode status(String id) throws Exception {
    HttpResponse<String> r = get(id, "/status");
    assertEquals(200, r.statusCode(), r.body());
    return json.readTree(r.body());
  }

  private HttpResponse<String> get(String id, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(id) + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
