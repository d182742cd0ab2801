package dev.gloo.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three real node processes on loopback: they form a cluster and survive kill -9 of the leader. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeProcessTest {
  @TempDir Path tmp;
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void threeProcessesFormAClusterAndSurviveKill9OfTheLeader() throws Exception {
    try (ProcessCluster c = new ProcessCluster(tmp, 3)) {
      c.startAll();
      String leader = status(c, "node1").get("leaderId").asText();
      for (String id : c.ids()) {
        assertEquals(leader, status(c, id).get("leaderId").asText(), "nodes disagree on the leader");
        assertEquals(3, status(c, id).get("members").size());
      }
      c.kill(leader);
      List<String> survivors = new ArrayList<>(c.ids());
      survivors.remove(leader);
      for (String id : survivors) {
        c.awaitReady(id);
      }
      String newLeader = status(c, survivors.get(0)).get("leaderId").asText();
      assertNotEquals(leader, newLeader);
      assertTrue(survivors.contains(newLeader));

      c.start(leader);
      c.awaitReady(leader);
      assertEquals("FOLLOWER", status(c, leader).get("role").asText());
    }
  }

  @Test
  void aBadEnvFileExitsWithAClearMessage() throws Exception {
    Path env = tmp.resolve("bad.env");
    Files.writeString(env, "NODE_ID=node1\nCLUSTER_ID=not-a-uuid\n");
    Process p = ProcessCluster.command(env).redirectErrorStream(true).start();
    try {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(2, p.exitValue());
      assertTrue(out.contains("CLUSTER_ID=not-a-uuid: must be a UUID"), out);
    } finally {
      p.destroyForcibly();
    }
  }

  private JsonNode status(ProcessCluster c, String id) throws Exception {
    var r = c.admin(id, "/status");
    assertEquals(200, r.statusCode(), r.body());
    return json.readTree(r.body()).get("store");
  }
}
