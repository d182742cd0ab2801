package dev.gloo.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.StoreException;
import dev.gloo.store.Txn;
import dev.gloo.store.raft.RaftStoreNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer mutual TLS: three nodes whose certificates a cluster CA signed form a cluster and
 * replicate; a node whose certificate another CA signed is added but receives nothing, while a
 * node with a certificate of the cluster CA catches up. Bad settings are named.
 */
class PeerTlsTest {

  @Test
  @Timeout(180)
  void nodesOfTheClusterCaReplicateAndANodeOfAForeignCaReceivesNothing(@TempDir Path tmp) throws Exception {
    Path ca = tmp.resolve("ca");
    Path foreign = tmp.resolve("foreign");
    PeerTls.initCa(ca);
    PeerTls.initCa(foreign);
    String cluster = UUID.randomUUID().toString();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String id : List.of("n1", "n2", "n3", "n4", "n5")) {
      ports.put(id, freePort());
    }
    String initial = "n1=127.0.0.1:" + ports.get("n1") + ",n2=127.0.0.1:" + ports.get("n2") + ",n3=127.0.0.1:"
        + ports.get("n3");
    List<RaftStoreNode> nodes = new ArrayList<>();
    try {
      for (String id : List.of("n1", "n2", "n3")) {
        nodes.add(RaftStoreNode.start(settings(tmp, id, ports.get(id), cluster, initial, ca).store()));
      }
      for (RaftStoreNode n : nodes) {
        n.awaitReady(Duration.ofSeconds(60));
      }
      long written = nodes.get(0).txn(Txn.put("/tls/a", "over mTLS".getBytes(UTF_8))).revision();
      assertEquals("over mTLS", new String(nodes.get(2).get("/tls/a").orElseThrow().value(), UTF_8),
          "a write on n1 is read linearizably on n3");

      RaftStoreNode outsider = RaftStoreNode.start(settings(tmp, "n4", ports.get("n4"), cluster, "", foreign).store());
      nodes.add(outsider);
      RaftStoreNode insider = RaftStoreNode.start(settings(tmp, "n5", ports.get("n5"), cluster, "", ca).store());
      nodes.add(insider);
      try {
        nodes.get(0).addLearner("n4", "127.0.0.1:" + ports.get("n4"));
      } catch (StoreException e) {
        // Ratis may give up on a learner it cannot reach; either way it must get no data.
      }
      nodes.get(0).addLearner("n5", "127.0.0.1:" + ports.get("n5"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (insider.local().revision() < written && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(insider.local().revision() >= written, "n5 (cluster CA) caught up to " + written);
      Thread.sleep(3000);
      assertEquals(0, outsider.local().revision(), "n4 (foreign CA) received nothing");
      assertTrue(outsider.local().get("/tls/a").isEmpty());
    } finally {
      for (RaftStoreNode n : nodes) {
        n.close();
      }
    }
  }

  @Test
  void settingsAreCheckedAndNamed(@TempDir Path tmp) throws Exception {
    PeerTls.initCa(tmp);
    assertTrue(PeerTls.from(Map.of(), "n1", "127.0.0.1").isEmpty(), "no PEER_TLS_CA_FILE: plaintext");
    Map<String, String> env = new HashMap<>(Map.of("PEER_TLS_CA_FILE", tmp.resolve("ca.crt").toString(),
        "PEER_TLS_CA_KEY_FILE", tmp.resolve("ca.key").toString()));
    assertEquals("CN=n1", PeerTls.from(env, "n1", "10.0.0.1").orElseThrow().certificate().getSubjectX500Principal()
        .getName());

    assertTrue(assertThrows(ConfigException.class, () -> PeerTls.from(Map.of("PEER_TLS_CA_KEY_FILE", "k"), "n1", "h"))
        .getMessage().startsWith("PEER_TLS_CA_FILE is required"));
    assertTrue(assertThrows(ConfigException.class, () -> PeerTls.from(
        Map.of("PEER_TLS_CA_FILE", tmp.resolve("ca.crt").toString()), "n1", "h")).getMessage()
        .contains("needs PEER_TLS_CA_KEY_FILE"));
    assertTrue(assertThrows(ConfigException.class, () -> PeerTls.from(Map.of("PEER_TLS_CA_FILE",
        tmp.resolve("ca.crt").toString(), "PEER_TLS_CERT_FILE", "x"), "n1", "h")).getMessage().contains("go together"));
    assertEquals("PEER_TLS_CA_FILE=" + tmp.resolve("missing.crt") + ": no such file", assertThrows(ConfigException.class,
        () -> PeerTls.from(Map.of("PEER_TLS_CA_FILE", tmp.resolve("missing.crt").toString(), "PEER_TLS_CA_KEY_FILE",
            tmp.resolve("ca.key").toString()), "n1", "h")).getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> PeerTls.initCa(tmp)).getMessage().contains("already holds a CA"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(tmp.resolve("ca.key"))));
  }

  private static NodeSettings settings(Path tmp, String id, int port, String cluster, String initial, Path ca) {
    Map<String, String> env = new HashMap<>();
    env.put("NODE_ID", id);
    env.put("CLUSTER_ID", cluster);
    env.put("DATA_DIR", tmp.resolve(id).toString());
    env.put("RAFT_ADDRESS", "127.0.0.1:" + port);
    env.put("INITIAL_CLUSTER", initial);
    env.put("PEER_TLS_CA_FILE", ca.resolve("ca.crt").toString());
    env.put("PEER_TLS_CA_KEY_FILE", ca.resolve("ca.key").toString());
    return NodeSettings.from(env);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
