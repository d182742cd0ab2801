package dev.gloo.store.raft;

import dev.gloo.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Store nodes on loopback in this JVM, each with its own port and data directory. Closing it
 * stops every node and deletes every directory, whatever state the test left them in.
 */
final class TestCluster implements AutoCloseable {
  static final NodeConfig.Tuning FAST = NodeConfig.Tuning.defaults()
      .withElectionTimeout(Duration.ofMillis(600), Duration.ofMillis(1200))
      .withRequestTimeout(Duration.ofSeconds(15));

  final String clusterId = UUID.randomUUID().toString();
  final Path root;
  final NodeConfig.Tuning tuning;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, RaftStoreNode> running = new LinkedHashMap<>();
  private final Map<String, String> initialMembers = new LinkedHashMap<>();

  TestCluster(int size, NodeConfig.Tuning tuning) {
    this.tuning = tuning;
    try {
      root = Files.createTempDirectory("raft-store-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 1; i <= size; i++) {
      String id = "n" + i;
      ports.put(id, freePort());
      initialMembers.put(id, address(id));
    }
  }

  static TestCluster started(int size, NodeConfig.Tuning tuning) {
    TestCluster c = new TestCluster(size, tuning);
    try {
      for (String id : List.copyOf(c.ports.keySet())) {
        c.start(id);
      }
      c.awaitLeader(Duration.ofSeconds(30));
      for (RaftStoreNode n : c.nodes()) {
        n.awaitReady(Duration.ofSeconds(30));
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String address(String id) {
    return "127.0.0.1:" + ports.get(id);
  }

  Path dataDir(String id) {
    return root.resolve(id);
  }

  NodeConfig config(String id, Map<String, String> members) {
    return new NodeConfig(id, "127.0.0.1", ports.get(id), dataDir(id), clusterId, members, tuning);
  }

  /** Starts (or restarts) an initial member. */
  RaftStoreNode start(String id) {
    return startWith(config(id, initialMembers));
  }

  RaftStoreNode startWith(NodeConfig cfg) {
    RaftStoreNode node = RaftStoreNode.start(cfg);
    running.put(cfg.nodeId(), node);
    return node;
  }

  /** A node that is not an initial member: it waits to be added to the cluster. */
  RaftStoreNode startJoiner(String id) {
    ports.putIfAbsent(id, freePort());
    return startWith(config(id, Map.of()));
  }

  void stop(String id) {
    RaftStoreNode n = running.remove(id);
    if (n != null) {
      n.close();
    }
  }

  RaftStoreNode node(String id) {
    RaftStoreNode n = running.get(id);
    if (n == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return n;
  }

  List<RaftStoreNode> nodes() {
    return List.copyOf(running.values());
  }

  RaftStoreNode leader() {
    return awaitLeader(Duration.ofSeconds(30));
  }

  RaftStoreNode follower() {
    RaftStoreNode leader = leader();
    return nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
  }

  RaftStoreNode awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<RaftStoreNode> leader = nodes().stream().filter(RaftStoreNode::isLeader).findFirst();
      if (leader.isPresent()) {
        return leader.get();
      }
      sleep(50);
    }
    throw new StoreException("no leader among " + running.keySet() + " after " + timeout);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a stopped node's data directory: the node comes back as a new machine would. */
  void wipe(String id) {
    if (running.containsKey(id)) {
      throw new IllegalStateException(id + " is running");
    }
    delete(dataDir(id));
  }

  @Override
  public void close() {
    for (String id : List.copyOf(running.keySet())) {
      try {
        stop(id);
      } catch (RuntimeException e) {
        e.printStackTrace();
      }
    }
    delete(root);
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
