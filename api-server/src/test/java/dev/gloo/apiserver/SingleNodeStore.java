package dev.gloo.apiserver;

import dev.gloo.store.raft.NodeConfig;
import dev.gloo.store.raft.RaftStoreNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A real one-node store for in-process tests, on a free loopback port. */
public final class SingleNodeStore {
  private SingleNodeStore() {}

  /** Starts the node in {@code dir} and waits until it leads. */
  public static RaftStoreNode start(Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RaftStoreNode store = RaftStoreNode.start(new NodeConfig("n1", "127.0.0.1", port, dir,
        UUID.randomUUID().toString(), Map.of("n1", "127.0.0.1:" + port), NodeConfig.Tuning.defaults()));
    store.awaitReady(Duration.ofSeconds(30));
    return store;
  }
}
