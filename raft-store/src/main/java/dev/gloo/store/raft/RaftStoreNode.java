package dev.gloo.store.raft;

import dev.gloo.store.DataDirException;
import dev.gloo.store.InvalidRequestException;
import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.Store;
import dev.gloo.store.StoreException;
import dev.gloo.store.StoreUnavailableException;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import dev.gloo.store.Watch;
import dev.gloo.store.WatchListener;
import dev.gloo.store.codec.Codec;
import dev.gloo.store.engine.KvEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the replicated store: a Ratis server holding the {@link StoreStateMachine}, and
 * a Ratis client through which this node's callers write and read.
 *
 * <p>Writes go to the leader whichever node receives them (the Ratis client follows the
 * leader), and are acknowledged once committed on a majority and applied. Reads are
 * linearizable on every node: Ratis runs a ReadIndex round with the leader, waits until this
 * node has applied that far, then reads locally. {@link #local()} skips the round.
 */
public final class RaftStoreNode implements Store, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftStoreNode.class);
  static final String CLUSTER_ID_FILE = "CLUSTER_ID";

  private final NodeConfig config;
  private final RaftGroupId groupId;
  private final RaftPeerId selfId;
  private final RaftServer server;
  private final StoreStateMachine stateMachine;
  private final ExecutorService watchDelivery;
  private final ScheduledExecutorService maintenance;
  private final ScheduledExecutorService clientCloser;
  private final LocalReader localReader = new Local();
  private final List<RaftClient> retiredClients = new ArrayList<>();
  private RaftClient client;
  private long clientConfIndex = Long.MIN_VALUE;
  /** The leader this node's server followed when the client was built. */
  private RaftPeerId clientLeader;

  private RaftStoreNode(NodeConfig config) throws IOException {
    this.config = config;
    this.groupId = RaftGroupId.valueOf(UUID.fromString(config.clusterId()));
    this.selfId = RaftPeerId.valueOf(config.nodeId());
    checkDataDir(config);
    this.watchDelivery = Executors.newFixedThreadPool(2, daemon("watch-" + config.nodeId()));
    this.maintenance = Executors.newSingleThreadScheduledExecutor(daemon("store-maint-" + config.nodeId()));
    this.clientCloser = Executors.newSingleThreadScheduledExecutor(daemon("client-close-" + config.nodeId()));
    this.stateMachine = new StoreStateMachine(config.dataDir().resolve("db"),
        config.dataDir().resolve("snapshots"), config.clusterId(), System::currentTimeMillis,
        watchDelivery);
    List<RaftPeer> peers = new ArrayList<>();
    config.initialMembers().forEach((id, address) -> peers.add(peer(id, address)));
    RaftGroup group = RaftGroup.valueOf(groupId, peers);
    this.server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(serverProperties(config))
        .setParameters(parameters(config))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
  }

  /**
   * Starts the node. It serves once a leader is known; {@link #awaitReady} waits for that.
   *
   * @throws DataDirException if the data directory belongs to another cluster or is corrupt
   */
  public static RaftStoreNode start(NodeConfig config) {
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      LOG.warn("the common fork-join pool has parallelism {}: CompletableFuture will start a"
          + " thread per async completion; run with"
          + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    }
    RaftStoreNode node;
    try {
      node = new RaftStoreNode(config);
    } catch (IOException e) {
      throw new StoreException("cannot start node " + config.nodeId() + ": " + e.getMessage(), e);
    }
    try {
      node.server.start();
    } catch (IOException | RuntimeException e) {
      node.close();
      Throwable cause = rootCause(e);
      if (cause instanceof DataDirException d) {
        throw d;
      }
      throw new StoreException("cannot start node " + config.nodeId() + ": " + cause, e);
    }
    node.maintenance.scheduleWithFixedDelay(node::compactHistory, 1, 1, TimeUnit.SECONDS);
    return node;
  }

  private static RaftProperties serverProperties(NodeConfig config) {
    NodeConfig.Tuning t = config.tuning();
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(config.dataDir().resolve("raft").toFile()));
    RaftConfigKeys.Rpc.setType(p, new ReplicationRpc()); // gRPC; see ReplicationRpc for the one change
    GrpcConfigKeys.Server.setHost(p, config.raftHost());
    GrpcConfigKeys.Server.setPort(p, config.raftPort());
    // Room for the largest transaction (3 MiB) plus framing, everywhere an entry passes.
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("32MB"));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("6MB"));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf("8MB"));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(t.logSegmentBytes()));
    // Ratis keeps recent log segments in the heap, by default up to six of them (192 MiB at
    // 32 MiB segments), whatever the node stores. Two closed segments are plenty for followers
    // that keep up; one that falls further behind is sent entries read from the files.
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf(2 * t.logSegmentBytes()));
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, t.snapshotEveryEntries() / 2)));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, t.snapshotEveryEntries());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(t.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(t.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, duration(t.electionTimeoutMax().multipliedBy(2)));
    // A leader that loses its majority steps down; by default it then stays out of elections
    // for 10 s. When the faults come in a row, every node that could win may have stepped
    // down recently, and the cluster sat without a leader for that long while a majority was
    // up. Pre-vote already keeps a node that cannot reach a majority from disrupting, so one
    // election timeout is enough. (The same value is the JVM pause after which a leader steps
    // down: by then the followers have started an election.)
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, duration(t.electionTimeoutMax()));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
    // Linearizable reads on every node through ReadIndex. No leader lease: a lease trusts
    // clocks and pauses to be bounded (a SIGSTOPped leader could serve a stale read); the
    // ReadIndex round costs one heartbeat and is batched across concurrent reads.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
    RaftServerConfigKeys.Read.setTimeout(p, duration(t.requestTimeout()));
    return p;
  }

  /**
   * The TLS of every gRPC channel of this node, server and client side alike: with peer TLS,
   * each side shows a certificate and requires the other's to chain to a trusted CA.
   */
  private static Parameters parameters(NodeConfig config) {
    Parameters p = new Parameters();
    config.peerTls().ifPresent(tls -> GrpcConfigKeys.TLS.setConf(p,
        new GrpcTlsConfig(tls.key(), tls.certificate(), tls.trusted(), true)));
    return p;
  }

  private static void checkDataDir(NodeConfig config) throws IOException {
    Path dir = config.dataDir();
    Files.createDirectories(dir);
    Path idFile = dir.resolve(CLUSTER_ID_FILE);
    if (Files.exists(idFile)) {
      String stored = Files.readString(idFile, StandardCharsets.UTF_8).trim();
      if (!stored.equals(config.clusterId())) {
        throw new DataDirException("data directory " + dir + " belongs to cluster " + stored
            + ", but node " + config.nodeId() + " is configured for cluster "
            + config.clusterId() + "; point it at an empty directory or at that cluster's");
      }
      return;
    }
    for (String part : List.of("raft", "db", "snapshots")) {
      if (hasEntries(dir.resolve(part))) {
        throw new DataDirException("data directory " + dir + " holds store data (" + part
            + "/) but no " + CLUSTER_ID_FILE + " file; refusing to guess which cluster it"
            + " belongs to");
      }
    }
    Path tmp = dir.resolve(CLUSTER_ID_FILE + ".tmp");
    Files.writeString(tmp, config.clusterId() + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    Files.move(tmp, idFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean hasEntries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }

  // ---- Store ----

  @Override
  public Optional<KeyValue> get(String key) {
    return await(getAsync(key));
  }

  @Override
  public CompletableFuture<Optional<KeyValue>> getAsync(String key) {
    Requests.validateKey("key", key);
    return read(new Codec.Get(key), Codec::decodeRange).thenApply(r -> r.items().stream().findFirst());
  }

  @Override
  public RangeResult range(String prefix, int limit, Optional<String> startAfter) {
    Requests.validateRange(prefix, limit);
    // A read barrier, then the local state, which has applied everything the barrier saw (as
    // etcd serves a ReadIndex read). The range itself never passes through a Raft client
    // message, whose size is bounded: a list of a large collection is as big as the collection.
    revision();
    return engine().range(prefix, limit, startAfter);
  }

  /** The store revision, read linearizably (a read barrier). */
  public long revision() {
    return await(read(new Codec.Revision(), Codec::decodeLong));
  }

  @Override
  public TxnResult txn(Txn txn) {
    return await(txnAsync(txn));
  }

  @Override
  public CompletableFuture<TxnResult> txnAsync(Txn txn) {
    Requests.validate(txn);
    Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(Codec.encodeTxn(txn)));
    return withTimeout(client().async().send(message))
        .thenApply(reply -> decodeReply(reply, Codec::decodeTxnResult).withPutValues(txn));
  }

  @Override
  public Watch watch(String prefix, long afterRevision, WatchListener listener) {
    Requests.validatePrefix("prefix", prefix);
    return stateMachine.watchHub().register(prefix, afterRevision, listener);
  }

  @Override
  public LocalReader local() {
    return localReader;
  }

  private <T> CompletableFuture<T> read(Codec.ReadRequest request, Function<ByteBuffer, T> decode) {
    Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(Codec.encodeRead(request)));
    long deadline = System.nanoTime() + config.tuning().requestTimeout().toNanos();
    return withTimeout(readAttempt(message, deadline)).thenApply(reply -> decodeReply(reply, decode));
  }

  /**
   * One ReadIndex read, repeated while the cluster is between leaders: a read must ride out an
   * election within the request timeout, as a write does (the Ratis client retries writes).
   */
  private CompletableFuture<RaftClientReply> readAttempt(Message message, long deadline) {
    // Unordered: reads need no ordering among themselves, and an ordered read window to this
    // server would interleave its sequence numbers with the write window on the same stream.
    CompletableFuture<RaftClientReply> attempt;
    try {
      attempt = client().async().sendReadOnlyUnordered(message, selfId);
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt.handle((reply, error) -> {
      Throwable failure = error != null ? error : reply.isSuccess() ? null : reply.getException();
      if (failure == null || !retriable(failure) || System.nanoTime() > deadline) {
        return error != null ? CompletableFuture.<RaftClientReply>failedFuture(error)
            : CompletableFuture.completedFuture(reply);
      }
      return CompletableFuture.supplyAsync(() -> null,
              CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> readAttempt(message, deadline));
    }).thenCompose(f -> f);
  }

  private static boolean retriable(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof org.apache.ratis.protocol.exceptions.ReadIndexException
        || c instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
        || c instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
        || c instanceof org.apache.ratis.protocol.exceptions.ServerNotReadyException
        || c instanceof org.apache.ratis.protocol.exceptions.TimeoutIOException
        || c instanceof IOException;
  }

  private CompletableFuture<RaftClientReply> withTimeout(CompletableFuture<RaftClientReply> f) {
    return f.orTimeout(config.tuning().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T decodeReply(RaftClientReply reply, Function<ByteBuffer, T> decode) {
    if (reply.isSuccess()) {
      return decode.apply(reply.getMessage().getContent().asReadOnlyByteBuffer());
    }
    Exception e = reply.getException();
    if (e instanceof StateMachineException sme) {
      throw new StoreException("the store refused the request: " + sme.getMessage(), sme);
    }
    throw new StoreUnavailableException("the cluster did not complete the request: " + e, e);
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(config.tuning().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted", e);
    } catch (TimeoutException e) {
      throw new StoreUnavailableException("no answer from the cluster within "
          + config.tuning().requestTimeout(), e);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  /** Maps what a future failed with to the store's typed errors. */
  public static StoreException translate(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof StoreException se) {
      return se;
    }
    if (cause instanceof TimeoutException) {
      return new StoreUnavailableException("no answer from the cluster in time", cause);
    }
    return new StoreUnavailableException("the cluster did not complete the request: " + cause, cause);
  }

  private final class Local implements LocalReader {
    @Override
    public Optional<KeyValue> get(String key) {
      Requests.validateKey("key", key);
      return engine().get(key);
    }

    @Override
    public RangeResult range(String prefix, int limit, Optional<String> startAfter) {
      Requests.validateRange(prefix, limit);
      return engine().range(prefix, limit, startAfter);
    }

    @Override
    public RangeResult rangeAt(long revision, String prefix, int limit, Optional<String> startAfter) {
      Requests.validateRange(prefix, limit);
      return engine().rangeAt(revision, prefix, limit, startAfter);
    }

    @Override
    public long revision() {
      return engine().revision();
    }

    @Override
    public long compactedRevision() {
      return engine().compactedRevision();
    }

    @Override
    public boolean awaitRevision(long revision, Duration timeout) {
      try {
        return stateMachine.awaitRevision(revision, timeout.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private KvEngine engine() {
    return stateMachine.engine();
  }

  private void compactHistory() {
    try {
      NodeConfig.Tuning t = config.tuning();
      long before = engine().compactedRevision();
      long after = engine().compactHistory(t.historyMaxRevisions(), t.historyMaxAge().toMillis());
      if (after != before) {
        LOG.debug("watch history compacted up to revision {}", after);
      }
    } catch (RuntimeException e) {
      LOG.warn("history compaction failed", e);
    }
  }

  // ---- cluster ----

  public String nodeId() {
    return config.nodeId();
  }

  public NodeConfig config() {
    return config;
  }

  /** Blocks until this node can serve a linearizable read, or throws when {@code timeout} passes. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    StoreException last = null;
    while (System.nanoTime() < deadline) {
      try {
        revision();
        return;
      } catch (StoreException e) {
        last = e;
        sleep(100);
      }
    }
    throw new StoreUnavailableException("node " + config.nodeId() + " not ready after " + timeout, last);
  }

  /** This node's view of the cluster. */
  public NodeStatus status() {
    RaftServer.Division d = division();
    RaftConfiguration conf = d.getRaftConf();
    List<NodeStatus.Member> members = new ArrayList<>();
    for (RaftPeer p : conf.getCurrentPeers()) {
      members.add(new NodeStatus.Member(p.getId().toString(), p.getAddress(), true));
    }
    for (RaftPeer p : conf.getCurrentPeers(RaftPeerRole.LISTENER)) {
      members.add(new NodeStatus.Member(p.getId().toString(), p.getAddress(), false));
    }
    RaftPeerId leader = d.getInfo().getLeaderId();
    return new NodeStatus(config.nodeId(), d.getInfo().getCurrentRole().name(),
        d.getInfo().getCurrentTerm(), Optional.ofNullable(leader).map(RaftPeerId::toString),
        d.getRaftLog().getLastCommittedIndex(), d.getInfo().getLastAppliedIndex(),
        engine().revision(), engine().compactedRevision(), stateMachine.snapshotsInstalled(),
        members);
  }

  /**
   * Writes a backup of the store ({@link SnapshotArchive}) to {@code out}: a RocksDB checkpoint
   * taken after a linearizable read barrier, so it holds every write acknowledged before the
   * call. A checkpoint is one consistent point of the database: the revision and applied index
   * it records are those of its contents.
   */
  public SnapshotArchive.Info backup(java.io.OutputStream out) {
    revision();
    Path tmp = config.dataDir().resolve("backup-tmp").resolve(UUID.randomUUID().toString());
    try {
      Files.createDirectories(tmp.getParent());
      engine().checkpoint(tmp);
      return SnapshotArchive.write(tmp, config.nodeId(), java.time.Instant.now(), out);
    } catch (IOException e) {
      throw new StoreException("cannot write a backup: " + e.getMessage(), e);
    } finally {
      try (Stream<Path> walk = Files.exists(tmp) ? Files.walk(tmp) : Stream.empty()) {
        for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        LOG.warn("cannot delete the backup checkpoint {}: {}", tmp, e.getMessage());
      }
    }
  }

  public boolean isLeader() {
    return division().getInfo().isLeader();
  }

  /**
   * Adds a node as a non-voting member (a Raft listener): it receives the log (or a snapshot)
   * but counts toward no quorum, so adding it cannot hurt availability.
   */
  public void addLearner(String id, String address) {
    SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(List.of())
        .setListenersInNewConf(List.of(peer(id, address)))
        .setMode(SetConfigurationRequest.Mode.ADD)
        .build();
    setConfiguration(args, "add " + id + " as learner");
  }

  /**
   * Turns a learner into a voter, in two configuration changes: the learner is removed, then
   * added back as a voter. Ratis (3.3) never marks a listener as caught up on the leader, so a
   * listener turned voter in place keeps receiving "initializing" appends and its server stays
   * in STARTING (serving no reads) until leadership changes. Added as a new voter, it goes
   * through Ratis's staging instead: counted toward no quorum until it has caught up (it holds
   * the log already, so that is quick), then marked caught up and started.
   */
  public void promote(String id) {
    RaftConfiguration conf = division().getRaftConf();
    if (byId(conf.getCurrentPeers()).containsKey(id)) {
      return;
    }
    RaftPeer learner = byId(conf.getCurrentPeers(RaftPeerRole.LISTENER)).get(id);
    if (learner == null) {
      throw new InvalidRequestException("member", id + " is not a learner of the cluster");
    }
    changeMembers(id, (voters, learners) -> learners.remove(id) != null, "remove learner " + id + " to promote it");
    SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(List.of(RaftPeer.newBuilder(learner).setStartupRole(RaftPeerRole.FOLLOWER).build()))
        .setListenersInNewConf(List.of())
        .setMode(SetConfigurationRequest.Mode.ADD)
        .build();
    try {
      setConfiguration(args, "add " + id + " as voter");
    } catch (StoreUnavailableException e) {
      throw new StoreUnavailableException(id + " was removed as a learner but not added back as a voter ("
          + e.getMessage() + "); add it again", e);
    }
  }

  /** Removes a voter or learner (which need not be running). */
  public void removeMember(String id) {
    changeMembers(id, (voters, learners) -> {
      boolean removed = voters.remove(id) != null | learners.remove(id) != null;
      if (removed && voters.isEmpty()) {
        throw new InvalidRequestException("member", "cannot remove the last voter " + id);
      }
      return removed;
    }, "remove " + id);
  }

  /** Asks the leader to hand leadership to {@code id}. */
  public void transferLeadership(String id, Duration timeout) {
    try {
      RaftClientReply reply = client().admin().transferLeadership(RaftPeerId.valueOf(id), timeout.toMillis());
      if (!reply.isSuccess()) {
        throw new StoreUnavailableException("leadership transfer to " + id + " failed: "
            + reply.getException(), reply.getException());
      }
    } catch (IOException e) {
      throw new StoreUnavailableException("leadership transfer to " + id + " failed: " + e, e);
    }
  }

  private interface MemberEdit {
    /** Edits the maps in place; returns false when there is nothing to change. */
    boolean apply(Map<String, RaftPeer> voters, Map<String, RaftPeer> learners);
  }

  private void changeMembers(String id, MemberEdit edit, String what) {
    for (int attempt = 0; attempt < 5; attempt++) {
      RaftConfiguration conf = division().getRaftConf();
      Map<String, RaftPeer> voters = byId(conf.getCurrentPeers());
      Map<String, RaftPeer> learners = byId(conf.getCurrentPeers(RaftPeerRole.LISTENER));
      List<RaftPeer> currentVoters = List.copyOf(voters.values());
      List<RaftPeer> currentLearners = List.copyOf(learners.values());
      if (!edit.apply(voters, learners)) {
        return;
      }
      SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
          .setServersInNewConf(List.copyOf(voters.values()))
          .setListenersInNewConf(List.copyOf(learners.values()))
          .setServersInCurrentConf(currentVoters)
          .setListenersInCurrentConf(currentLearners)
          .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
          .build();
      try {
        setConfiguration(args, what);
        return;
      } catch (StoreUnavailableException e) {
        // This node's view of the membership may be behind the leader's; refresh and retry.
        LOG.info("{} failed ({}); retrying with a fresh view of the membership", what, e.getMessage());
        sleep(300);
      }
    }
    throw new StoreUnavailableException(what + " failed: the membership kept changing", null);
  }

  private void setConfiguration(SetConfigurationRequest.Arguments args, String what) {
    try {
      RaftClientReply reply = client().admin().setConfiguration(args);
      if (!reply.isSuccess()) {
        throw new StoreUnavailableException(what + " failed: " + reply.getException(), reply.getException());
      }
    } catch (IOException e) {
      throw new StoreUnavailableException(what + " failed: " + e, e);
    }
  }

  private static Map<String, RaftPeer> byId(Collection<RaftPeer> peers) {
    Map<String, RaftPeer> out = new LinkedHashMap<>();
    for (RaftPeer p : peers) {
      out.put(p.getId().toString(), p);
    }
    return out;
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(groupId);
    } catch (IOException e) {
      throw new StoreUnavailableException("node " + config.nodeId() + " is not serving: " + e, e);
    }
  }

  /**
   * The client, rebuilt whenever the membership changes so that it always knows every member,
   * and whenever this node's server follows a leader other than the one the client sends to.
   *
   * <p>Why the second: a Ratis client keeps sending to the leader it last knew. When that node
   * hangs (a paused process, a dead VM whose connections stay open) each request waits out the
   * RPC timeout before the client tries another member, and closing its channel to the hung
   * node blocks for seconds more; writes stalled for as long as the old leader was away,
   * although this node had followed the new leader for seconds. The server learns of the new
   * leader from its first heartbeat, so a client built to start there writes at once. Requests
   * in flight on the old client finish (or time out) there; it is closed later.
   */
  private synchronized RaftClient client() {
    RaftServer.Division d = division();
    RaftConfiguration conf = d.getRaftConf();
    RaftPeerId leader = d.getInfo().getLeaderId();
    boolean newMembers = conf.getLogEntryIndex() != clientConfIndex;
    boolean newLeader = leader != null && !leader.equals(clientLeader);
    if (client == null || newMembers || newLeader) {
      Map<String, RaftPeer> peers = byId(conf.getCurrentPeers());
      peers.putAll(byId(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
      peers.putIfAbsent(config.nodeId(), peer(config.nodeId(), config.raftAddress()));
      RaftProperties p = new RaftProperties();
      GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("32MB"));
      RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
      RaftClient.Builder builder = RaftClient.newBuilder()
          .setProperties(p)
          .setParameters(parameters(config))
          .setRaftGroup(RaftGroup.valueOf(groupId, List.copyOf(peers.values())))
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
              (int) Math.max(10, config.tuning().requestTimeout().toMillis() / 100),
              TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
      if (leader != null && peers.containsKey(leader.toString())) {
        builder.setLeaderId(leader);
      }
      RaftClient fresh = builder.build();
      if (client != null) {
        retire(client);
      }
      client = fresh;
      clientConfIndex = conf.getLogEntryIndex();
      clientLeader = leader;
    }
    return client;
  }

  /**
   * Closes a replaced client once the requests in flight on it have had their time; closing
   * blocks for seconds when a member it talked to hangs, so not on a caller's thread.
   */
  private void retire(RaftClient old) {
    retiredClients.add(old);
    try {
      clientCloser.schedule(() -> {
        synchronized (this) {
          if (!retiredClients.remove(old)) {
            return; // closed with the node
          }
        }
        closeQuietly(old);
      }, config.tuning().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("node closing; the retired client is closed with it");
    }
  }

  @Override
  public void close() {
    maintenance.shutdownNow();
    clientCloser.shutdownNow();
    List<RaftClient> clients;
    synchronized (this) {
      clients = new ArrayList<>(retiredClients);
      retiredClients.clear();
      if (client != null) {
        clients.add(client);
      }
    }
    clients.forEach(RaftStoreNode::closeQuietly);
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("closing the Raft server of {} failed", config.nodeId(), e);
    }
    watchDelivery.shutdownNow();
  }

  private static void closeQuietly(RaftClient c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing a Raft client failed", e);
    }
  }

  static RaftPeer peer(String id, String address) {
    return RaftPeer.newBuilder().setId(id).setAddress(address).build();
  }

  private static TimeDuration duration(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted", e);
    }
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      if (c instanceof DataDirException) {
        return c;
      }
      c = c.getCause();
    }
    return c;
  }
}
