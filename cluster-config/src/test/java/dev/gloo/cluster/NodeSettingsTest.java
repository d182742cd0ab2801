package dev.gloo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {
  private static Map<String, String> base() {
    Map<String, String> env = new HashMap<>();
    env.put("NODE_ID", "node2");
    env.put("CLUSTER_ID", "6f1c2b8e-4a8e-4c7a-9a51-3b0a3d7f8c11");
    env.put("DATA_DIR", "/var/lib/gloo");
    env.put("RAFT_ADDRESS", "10.0.0.2:9300");
    env.put("INITIAL_CLUSTER", "node1=10.0.0.1:9300, node2=10.0.0.2:9300,node3=10.0.0.3:9300");
    return env;
  }

  @Test
  void anInitialMemberGetsTheWholeClusterAndDefaults() {
    NodeSettings s = NodeSettings.from(base());
    assertEquals("node2", s.store().nodeId());
    assertEquals(9300, s.store().raftPort());
    assertEquals(Path.of("/var/lib/gloo"), s.store().dataDir());
    assertEquals(Map.of("node1", "10.0.0.1:9300", "node2", "10.0.0.2:9300", "node3", "10.0.0.3:9300"),
        s.store().initialMembers());
    assertEquals(new NodeSettings.HostPort("127.0.0.1", 9401), s.adminAddress());
    assertEquals(10_000, s.store().tuning().snapshotEveryEntries());
  }

  @Test
  void aNodeOutsideTheInitialClusterStartsAsAJoiner() {
    Map<String, String> env = base();
    env.put("NODE_ID", "node4");
    env.put("RAFT_ADDRESS", "10.0.0.4:9300");
    assertTrue(NodeSettings.from(env).store().initialMembers().isEmpty());
  }

  @Test
  void eachBadSettingIsNamedInTheError() {
    assertError("NODE_ID is not set", env -> env.remove("NODE_ID"));
    assertError("CLUSTER_ID=abc: must be a UUID", env -> env.put("CLUSTER_ID", "abc"));
    assertError("RAFT_ADDRESS=host: expected host:port", env -> env.put("RAFT_ADDRESS", "host"));
    assertError("RAFT_ADDRESS=h:99999", env -> env.put("RAFT_ADDRESS", "h:99999"));
    assertError("INITIAL_CLUSTER names node2 at 10.0.0.2:9300 but RAFT_ADDRESS is 10.0.0.9:9300",
        env -> env.put("RAFT_ADDRESS", "10.0.0.9:9300"));
    assertError("INITIAL_CLUSTER names node1 twice",
        env -> env.put("INITIAL_CLUSTER", "node1=a:1,node1=b:2,node2=10.0.0.2:9300"));
    assertError("SNAPSHOT_EVERY=0", env -> env.put("SNAPSHOT_EVERY", "0"));
    assertError("NODE_ID=Node_1", env -> env.put("NODE_ID", "Node_1"));
  }

  private static void assertError(String expected, java.util.function.Consumer<Map<String, String>> edit) {
    Map<String, String> env = base();
    edit.accept(env);
    ConfigException e = assertThrows(ConfigException.class, () -> NodeSettings.from(env));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}
