package dev.gloo.store.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What one store node needs to start.
 *
 * @param nodeId this node's id, unique in the cluster (e.g. {@code node1})
 * @param raftHost the address peers reach this node's Raft port on
 * @param raftPort the Raft (gRPC) port
 * @param dataDir the node's data directory: {@code raft/} (the Raft log), {@code db/}
 *     (RocksDB), {@code snapshots/} and the {@code CLUSTER_ID} file
 * @param clusterId the cluster's id, a UUID; it is also the Raft group id
 * @param initialMembers id to {@code host:port} of every voter when the cluster is first
 *     formed; ignored once the data directory holds a Raft log. Empty for a node that joins a
 *     running cluster: it waits until a member adds it.
 * @param tuning timeouts and retention
 * @param peerTls mutual TLS between the nodes (Raft and the nodes' clients), or plaintext
 */
public record NodeConfig(
    String nodeId,
    String raftHost,
    int raftPort,
    Path dataDir,
    String clusterId,
    Map<String, String> initialMembers,
    Tuning tuning,
    java.util.Optional<PeerTls> peerTls) {

  public NodeConfig(String nodeId, String raftHost, int raftPort, Path dataDir, String clusterId,
      Map<String, String> initialMembers, Tuning tuning) {
    this(nodeId, raftHost, raftPort, dataDir, clusterId, initialMembers, tuning, java.util.Optional.empty());
  }

  /**
   * This node's peer certificate and key, and the CA certificates a peer's certificate must
   * chain to: every connection between nodes is TLS with a certificate on both sides.
   */
  public record PeerTls(java.security.PrivateKey key, java.security.cert.X509Certificate certificate,
      java.util.List<java.security.cert.X509Certificate> trusted) {
    public PeerTls {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(certificate, "certificate");
      trusted = java.util.List.copyOf(trusted);
    }
  }

  public NodeConfig withPeerTls(PeerTls tls) {
    return new NodeConfig(nodeId, raftHost, raftPort, dataDir, clusterId, initialMembers, tuning,
        java.util.Optional.of(tls));
  }

  public NodeConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(raftHost, "raftHost");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(clusterId, "clusterId");
    UUID.fromString(clusterId); // must be a UUID: it names the Raft group
    initialMembers = Map.copyOf(new LinkedHashMap<>(initialMembers));
    Objects.requireNonNull(tuning, "tuning");
    Objects.requireNonNull(peerTls, "peerTls");
  }

  public String raftAddress() {
    return raftHost + ":" + raftPort;
  }

  /**
   * @param electionTimeoutMin a follower that hears nothing from a leader for a random time
   *     between min and max starts an election
   * @param requestTimeout how long a read or write waits before it fails as unavailable
   * @param snapshotEveryEntries take a snapshot (and let the log be purged) every N entries
   * @param historyMaxRevisions keep watch history for at most this many log indices
   * @param historyMaxAge and for no longer than this
   * @param logSegmentBytes the Raft log is kept in segments of this size; only whole closed
   *     segments are purged after a snapshot
   */
  public record Tuning(
      Duration electionTimeoutMin,
      Duration electionTimeoutMax,
      Duration requestTimeout,
      long snapshotEveryEntries,
      long historyMaxRevisions,
      Duration historyMaxAge,
      long logSegmentBytes) {

    public static Tuning defaults() {
      return new Tuning(Duration.ofMillis(1000), Duration.ofMillis(2000), Duration.ofSeconds(10),
          10_000, 100_000, Duration.ofMinutes(10), 32L << 20);
    }

    public Tuning withLogSegmentBytes(long bytes) {
      return new Tuning(electionTimeoutMin, electionTimeoutMax, requestTimeout,
          snapshotEveryEntries, historyMaxRevisions, historyMaxAge, bytes);
    }

    public Tuning withSnapshotEveryEntries(long n) {
      return new Tuning(electionTimeoutMin, electionTimeoutMax, requestTimeout, n,
          historyMaxRevisions, historyMaxAge, logSegmentBytes);
    }

    public Tuning withHistory(long maxRevisions, Duration maxAge) {
      return new Tuning(electionTimeoutMin, electionTimeoutMax, requestTimeout,
          snapshotEveryEntries, maxRevisions, maxAge, logSegmentBytes);
    }

    public Tuning withElectionTimeout(Duration min, Duration max) {
      return new Tuning(min, max, requestTimeout, snapshotEveryEntries, historyMaxRevisions,
          historyMaxAge, logSegmentBytes);
    }

    public Tuning withRequestTimeout(Duration timeout) {
      return new Tuning(electionTimeoutMin, electionTimeoutMax, timeout, snapshotEveryEntries,
          historyMaxRevisions, historyMaxAge, logSegmentBytes);
    }
  }
}
