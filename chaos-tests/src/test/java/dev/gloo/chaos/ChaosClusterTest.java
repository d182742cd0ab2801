package dev.gloo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a cluster writes for its nodes; no process is started. */
class ChaosClusterTest {

  private static String line(Path file, String key) throws Exception {
    return Files.readAllLines(file).stream().filter(l -> l.startsWith(key + "=")).findFirst().orElse("");
  }

  @Test
  void theSpareNodeJoinsThroughTheFoundingMembersAndEveryNodeReachesItThroughItsOwnLinkProxy(@TempDir Path dir)
      throws Exception {
    try (ChaosCluster c = new ChaosCluster(dir, 3)) {
      assertEquals(List.of("node1", "node2", "node3"), c.ids());
      assertEquals("node4", c.spare());
      String initial = line(c.envFile("node1"), "INITIAL_CLUSTER");
      assertTrue(initial.contains("node3=gloo-node3:") && !initial.contains("node4"), initial);
      assertEquals("", line(c.envFile("node4"), "INITIAL_CLUSTER"));
      String join = line(c.envFile("node4"), "JOIN");
      assertEquals(3, join.split(",").length, join);
      assertTrue(Files.readString(dir.resolve("node1.hosts")).contains("127.0.1.4 gloo-node4"));
      assertTrue(Files.readString(dir.resolve("node4.hosts")).contains("127.0.4.2 gloo-node2"));
      assertTrue(c.peerLink("node4", "node1") != null && c.peerLink("node1", "node4") != null);
    }
  }

  @Test
  void aNodeResetToJoinLosesItsStoreDataButKeepsItsTlsAndJoinsInsteadOfBootstrapping(@TempDir Path dir)
      throws Exception {
    try (ChaosCluster c = new ChaosCluster(dir, 3)) {
      for (String part : List.of("raft/log", "db/x", "snapshots/s", "tls/ca.crt")) {
        Files.createDirectories(dir.resolve("node2").resolve(part).getParent());
        Files.writeString(dir.resolve("node2").resolve(part), "x");
      }
      Files.writeString(dir.resolve("node2").resolve("CLUSTER_ID"), "id");
      Files.createDirectories(dir.resolve("node1").resolve("tls"));
      Files.writeString(dir.resolve("node1").resolve("tls").resolve("ca.crt"), "CA1\n");

      c.resetToJoin("node2");

      for (String part : List.of("raft", "db", "snapshots", "CLUSTER_ID")) {
        assertFalse(Files.exists(dir.resolve("node2").resolve(part)), part);
      }
      assertTrue(Files.exists(dir.resolve("node2").resolve("tls").resolve("ca.crt")));
      assertEquals("", line(c.envFile("node2"), "INITIAL_CLUSTER"));
      assertTrue(line(c.envFile("node2"), "JOIN").startsWith("JOIN=https://127.0.0.1:"));
      Path ca = Path.of(line(c.envFile("node2"), "JOIN_CA_FILE").substring("JOIN_CA_FILE=".length()));
      assertEquals("CA1\n", Files.readString(ca)); // the others' CAs; node3 has none yet
    }
  }
}
