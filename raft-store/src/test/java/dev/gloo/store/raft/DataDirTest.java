package dev.gloo.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.DataDirException;
import dev.gloo.store.Txn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DataDirTest {

  @Test
  void aDataDirectoryOfAnotherClusterIsRefusedAndLeftUntouched() throws Exception {
    try (TestCluster c = TestCluster.started(1, TestCluster.FAST)) {
      c.node("n1").txn(Txn.put("/keep", new byte[] {1}));
      c.stop("n1");
      String other = UUID.randomUUID().toString();
      NodeConfig foreign = new NodeConfig("n1", "127.0.0.1", TestCluster.freePort(), c.dataDir("n1"),
          other, Map.of("n1", c.address("n1")), c.tuning);
      DataDirException e = assertThrows(DataDirException.class, () -> RaftStoreNode.start(foreign));
      assertTrue(e.getMessage().contains(c.clusterId) && e.getMessage().contains(other), e.getMessage());
      // The rightful configuration still starts and finds its data.
      RaftStoreNode n = c.start("n1");
      n.awaitReady(java.time.Duration.ofSeconds(30));
      assertEquals(1, n.get("/keep").orElseThrow().value()[0]);
    }
  }

  @Test
  void storeDataWithoutAClusterIdIsRefused() throws Exception {
    try (TestCluster c = TestCluster.started(1, TestCluster.FAST)) {
      c.node("n1").txn(Txn.put("/keep", new byte[] {1}));
      c.stop("n1");
      Files.delete(c.dataDir("n1").resolve("CLUSTER_ID"));
      DataDirException e = assertThrows(DataDirException.class, () -> c.start("n1"));
      assertTrue(e.getMessage().contains("no CLUSTER_ID"), e.getMessage());
    }
  }

  @Test
  void aCorruptDatabaseStopsTheNodeWithAClearMessage() throws Exception {
    try (TestCluster c = TestCluster.started(1, TestCluster.FAST)) {
      c.node("n1").txn(Txn.put("/keep", new byte[] {1}));
      c.stop("n1");
      Path current = c.dataDir("n1").resolve("db").resolve("CURRENT");
      Files.writeString(current, "garbage\n");
      DataDirException e = assertThrows(DataDirException.class, () -> c.start("n1"));
      assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
      assertEquals("garbage\n", Files.readString(current), "the node must not repair by deleting");
    }
  }
}
