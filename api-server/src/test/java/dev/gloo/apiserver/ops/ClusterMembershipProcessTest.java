package dev.gloo.apiserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.apiserver.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing and shrinking a running cluster with real node processes: a node started with JOIN
 * becomes a learner, catches up, is promoted and serves the API; it leaves cleanly; a removal
 * that would leave no live majority is refused.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterMembershipProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void nodeJoinsServesAndLeavesAndQuorumLosingRemovalIsRefused(@TempDir Path tmp) throws Exception {
    try (ProcessCluster c = new ProcessCluster(tmp, 3)) {
      c.startAll();
      Path bundle = tmp.resolve("members-ca.pem");
      StringBuilder pem = new StringBuilder();
      for (String id : c.ids()) {
        pem.append(Files.readString(c.caFile(id)));
      }
      Files.writeString(bundle, pem);
      int api4 = ProcessCluster.freePort();
      Path env = tmp.resolve("node4.env");
      Files.writeString(env, String.join("\n",
          "NODE_ID=node4",
          "CLUSTER_ID=" + c.clusterId,
          "DATA_DIR=" + tmp.resolve("node4"),
          "RAFT_ADDRESS=127.0.0.1:" + ProcessCluster.freePort(),
          "ADMIN_ADDRESS=127.0.0.1:" + ProcessCluster.freePort(),
          "API_ADDRESS=127.0.0.1:" + api4,
          "XDS_ADDRESS=127.0.0.1:" + ProcessCluster.freePort(),
          "TOKEN_FILE=" + tmp.resolve("admin.token"),
          "JOIN=" + c.apiUrl("node2") + "," + c.apiUrl("node1"),
          "JOIN_TOKEN_FILE=" + tmp.resolve("admin.token"),
          "JOIN_CA_FILE=" + bundle) + "\n");
      Process node4 = ProcessCluster.command(env).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("node4.log").toFile()).start();
      try {
        awaitMembers(c, "node1", m -> ProcessCluster.isVoter(m, "node4"), "node4 becomes a voter");
        List<String> asNode4 = List.of("--server", "https://127.0.0.1:" + api4,
            "--certificate-authority", tmp.resolve("node4/tls/ca.crt").toString(), "--token", c.token());
        ProcessCluster.Result created = kubectlAt(c, asNode4, "create", "namespace", "joined");
        assertEquals(0, created.code(), created.out() + Files.readString(tmp.resolve("node4.log")));
        assertEquals(0, c.kubectl("node3", "get", "namespace", "joined").code(), "a write on node4 is read on node3");

        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "{}");
        ProcessCluster.Result left = kubectlAt(c, asNode4, "create", "--raw", "/gloo/v1/cluster/leave", "-f", empty.toString());
        assertEquals(0, left.code(), left.out());
        awaitMembers(c, "node1", m -> m.size() == 3 && !ProcessCluster.isMember(m, "node4"), "node4 left");
      } finally {
        node4.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }

      c.kill("node3");
      ProcessCluster.Result refused = c.kubectl("node1", "delete", "--raw", "/gloo/v1/cluster/members/node2");
      assertTrue(refused.code() != 0 && refused.out().contains("no majority"), refused.out());
      awaitMembers(c, "node1", m -> m.size() == 3, "nothing was removed");
    }
  }

  private static ProcessCluster.Result kubectlAt(ProcessCluster c, List<String> server, String... args) throws Exception {
    List<String> all = new ArrayList<>(server);
    all.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder();
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", "/dev/null"));
    cmd.addAll(all);
    Process p = pb.command(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + all + " did not finish");
    }
    return new ProcessCluster.Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }

  private static void awaitMembers(ProcessCluster c, String via, java.util.function.Predicate<JsonNode> ok, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String last = "";
    while (System.nanoTime() < deadline) {
      ProcessCluster.Result r = c.kubectl(via, "get", "--raw", "/gloo/v1/cluster/status");
      last = r.out();
      if (r.code() == 0 && ok.test(JSON.readTree(r.out()).path("store").path("members"))) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + " did not happen; last status: " + last);
  }
}
