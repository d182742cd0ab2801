package dev.gloo.cluster;

import dev.gloo.store.raft.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A control node's settings, from an env file and {@code KEY=VALUE} overrides.
 *
 * <pre>
 *   NODE_ID          this node's id                              (required)
 *   CLUSTER_ID       the cluster's UUID                          (required)
 *   DATA_DIR         data directory                              (required)
 *   RAFT_ADDRESS     host:port peers reach this node's Raft on   (required)
 *   INITIAL_CLUSTER  id=host:port,... voters when first formed   (required to bootstrap)
 *   ADMIN_ADDRESS    host:port of health and status endpoints    (default 127.0.0.1:9401)
 *   SNAPSHOT_EVERY   Raft entries between snapshots              (default 10000)
 *   HISTORY_REVISIONS  watch history kept, in revisions          (default 100000)
 *   HISTORY_SECONDS    watch history kept, in seconds            (default 600)
 *   PEER_TLS_*       mutual TLS between the nodes (see {@link PeerTls})
 * </pre>
 */
public record NodeSettings(NodeConfig store, HostPort adminAddress) {

  public record HostPort(String host, int port) {
    public static HostPort parse(String key, String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new ConfigException(key + "=" + value + ": expected host:port");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new ConfigException(key + "=" + value + ": the port must be a number from 0 to 65535");
      }
    }

    @Override
    public String toString() {
      return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  public static NodeSettings from(Map<String, String> env) {
    String nodeId = required(env, "NODE_ID");
    if (!nodeId.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new ConfigException("NODE_ID=" + nodeId + ": use lower-case letters, digits and '-'");
    }
    String clusterId = required(env, "CLUSTER_ID");
    try {
      UUID.fromString(clusterId);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("CLUSTER_ID=" + clusterId + ": must be a UUID");
    }
    Path dataDir = Path.of(required(env, "DATA_DIR"));
    HostPort raft = HostPort.parse("RAFT_ADDRESS", required(env, "RAFT_ADDRESS"));
    Map<String, String> initial = parseCluster(env.getOrDefault("INITIAL_CLUSTER", ""));
    if (!initial.isEmpty() && initial.containsKey(nodeId)
        && !initial.get(nodeId).equals(raft.toString())) {
      throw new ConfigException("INITIAL_CLUSTER names " + nodeId + " at " + initial.get(nodeId)
          + " but RAFT_ADDRESS is " + raft);
    }
    HostPort admin = HostPort.parse("ADMIN_ADDRESS", env.getOrDefault("ADMIN_ADDRESS", "127.0.0.1:9401"));
    NodeConfig.Tuning tuning = NodeConfig.Tuning.defaults()
        .withSnapshotEveryEntries(positive(env, "SNAPSHOT_EVERY", 10_000))
        .withHistory(positive(env, "HISTORY_REVISIONS", 100_000),
            Duration.ofSeconds(positive(env, "HISTORY_SECONDS", 600)));
    NodeConfig store = new NodeConfig(nodeId, raft.host(), raft.port(), dataDir, clusterId,
        initial.containsKey(nodeId) ? initial : Map.of(), tuning, PeerTls.from(env, nodeId, raft.host()));
    return new NodeSettings(store, admin);
  }

  public static Map<String, String> parseCluster(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value.isBlank()) {
      return out;
    }
    for (String part : value.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("INITIAL_CLUSTER: '" + p + "' is not id=host:port");
      }
      String id = p.substring(0, eq);
      HostPort hp = HostPort.parse("INITIAL_CLUSTER", p.substring(eq + 1));
      if (out.put(id, hp.toString()) != null) {
        throw new ConfigException("INITIAL_CLUSTER names " + id + " twice");
      }
    }
    return out;
  }

  private static String required(Map<String, String> env, String key) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException(key + " is not set");
    }
    return v.strip();
  }

  private static long positive(Map<String, String> env, String key, long dflt) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + "=" + v + ": must be a positive whole number");
    }
  }
}
