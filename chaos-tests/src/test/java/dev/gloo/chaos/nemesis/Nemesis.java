package dev.gloo.chaos.nemesis;

import dev.gloo.chaos.ChaosCluster;
import dev.gloo.chaos.checker.Availability.LeaderFault;
import dev.gloo.chaos.history.History;
import dev.gloo.chaos.workload.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Plays a {@link Schedule} against a {@link ChaosCluster}: starts each fault, holds it, heals
 * it (restart, SIGCONT, reconnect), waits the quiet time. Every action goes to the history's
 * event log and to stdout with its time. A restarted node must become ready again: one that
 * cannot is a failure of the run, not something to wait out.
 */
public final class Nemesis {
  private final ChaosCluster cluster;
  private final History history;
  private final Schedule schedule;
  private final List<LeaderFault> leaderFaults = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private int isolations;
  private int transfers;
  private int transfersDone;
  private int isolationsThatCut;
  private long lastHealNanos;
  private Thread thread;
  private volatile boolean stopping;
  private volatile Throwable failure;

  public Nemesis(ChaosCluster cluster, History history, Schedule schedule) {
    this.cluster = cluster;
    this.history = history;
    this.schedule = schedule;
  }

  public void start() {
    thread = new Thread(this::run, "nemesis");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits for the schedule to finish (it heals what it broke before returning). */
  public void await(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    if (thread.isAlive()) {
      stopping = true;
      thread.interrupt();
      thread.join(60_000);
    }
    if (failure != null) {
      throw new IllegalStateException("the nemesis failed: " + failure, failure);
    }
  }

  private void run() {
    try {
      for (Schedule.Step step : schedule.steps()) {
        if (stopping) {
          break;
        }
        play(step);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      note("nemesis failed: " + t);
    } finally {
      try {
        healAll();
      } catch (Throwable t) {
        if (failure == null) {
          failure = t;
        }
      }
    }
  }

  private void play(Schedule.Step step) throws Exception {
    Random pick = new Random(step.pick());
    List<String> ids = new ArrayList<>(cluster.ids());
    Collections.shuffle(ids, pick);
    switch (step.fault()) {
      case KILL_LEADER:
      case KILL_FOLLOWER: {
        String victim = step.fault() == Fault.KILL_LEADER ? leaderOr(ids.get(0)) : followerOf(ids);
        boolean wasLeader = cluster.leader().map(victim::equals).orElse(false);
        long t = history.now();
        cluster.kill(victim);
        if (wasLeader) {
          leaderFaults.add(new LeaderFault("kill " + victim, t));
        }
        note("kill -9 " + victim + (wasLeader ? " (leader)" : ""));
        hold(step);
        cluster.start(victim);
        note("restart " + victim);
        cluster.awaitReady(victim, Duration.ofSeconds(120));
        note(victim + " ready");
        break;
      }
      case PAUSE_LEADER:
      case PAUSE_FOLLOWER: {
        String victim = step.fault() == Fault.PAUSE_LEADER ? leaderOr(ids.get(0)) : followerOf(ids);
        boolean wasLeader = cluster.leader().map(victim::equals).orElse(false);
        long t = history.now();
        cluster.pause(victim);
        if (wasLeader) {
          leaderFaults.add(new LeaderFault("pause " + victim, t));
        }
        note("kill -STOP " + victim);
        hold(step);
        cluster.resume(victim);
        note("kill -CONT " + victim);
        break;
      }
      case ISOLATE_LEADER: {
        String leader = leaderOr(ids.get(0));
        List<String> others = new ArrayList<>(cluster.ids());
        others.remove(leader);
        boolean wasLeader = cluster.leader().map(leader::equals).orElse(false);
        long t = history.now();
        partition(List.of(leader), others, "isolate " + leader);
        if (wasLeader) {
          leaderFaults.add(new LeaderFault("isolate " + leader, t));
        }
        hold(step);
        isolations++;
        // If the proxies were not in the path, every other node would still follow the old
        // leader; one that has left it (electing, or following another) shows the cut.
        List<String> followed = others.stream().map(cluster::status).flatMap(Optional::stream)
            .map(s -> s.path("store").path("leaderId").asText("")).toList();
        if (followed.stream().anyMatch(l -> !l.equals(leader))) {
          isolationsThatCut++;
        }
        note("while " + leader + " was isolated the others followed " + followed);
        heal();
        break;
      }
      case PARTITION_MAJORITY_MINORITY: {
        int minority = (ids.size() - 1) / 2;
        partition(ids.subList(0, minority), ids.subList(minority, ids.size()), "majority/minority");
        hold(step);
        heal();
        break;
      }
      case PARTITION_BRIDGE: {
        // ids[0] bridges; the rest split in two halves that do not see each other.
        List<String> rest = ids.subList(1, ids.size());
        int half = rest.size() / 2;
        partition(rest.subList(0, half), rest.subList(half, rest.size()), "bridge through " + ids.get(0));
        hold(step);
        heal();
        break;
      }
      case LEADER_TRANSFER: {
        Optional<String> from = cluster.leader();
        Optional<String> to = ids.stream().filter(id -> !from.map(id::equals).orElse(false)).findFirst();
        if (from.isEmpty() || to.isEmpty()) {
          note("no leader to transfer from");
          break;
        }
        long t = history.now();
        ApiClient.Response r = operatorCall(() -> operator().post(from.get(),
            "/gloo/v1/cluster/transfer-leader?to=" + to.get(), null));
        leaderFaults.add(new LeaderFault("transfer " + from.get() + "->" + to.get(), t));
        transfers++;
        if (r.ok()) {
          transfersDone++;
        }
        note("transfer leadership " + from.get() + " -> " + to.get() + ": " + r.status()
            + (r.ok() ? "" : " " + r.body().path("message").asText()) + "; leader now " + cluster.leader().orElse("?"));
        hold(step);
        break;
      }
      case LEAVE_AND_REJOIN: {
        String victim = ids.get(0);
        boolean wasLeader = cluster.leader().map(victim::equals).orElse(false);
        long t = history.now();
        ApiClient.Response r = operatorCall(() -> operator().post(victim, "/gloo/v1/cluster/leave", null));
        if (!r.ok()) {
          note(victim + " could not leave: " + r.status() + " " + r.body().path("message").asText());
          break;
        }
        if (wasLeader) {
          leaderFaults.add(new LeaderFault("leave " + victim, t));
        }
        note(victim + " left the cluster" + (wasLeader ? " (it led)" : ""));
        cluster.kill(victim);
        cluster.resetToJoin(victim);
        note("stopped " + victim + " and deleted its data");
        hold(step);
        join(victim);
        break;
      }
      case JOIN_AND_REMOVE: {
        String joiner = cluster.spare();
        cluster.resetToJoin(joiner);
        join(joiner);
        hold(step);
        boolean wasLeader = cluster.leader().map(joiner::equals).orElse(false);
        String via = followerOf(ids);
        long t = history.now();
        ApiClient.Response r = operatorCall(() -> operator().delete(via, "/gloo/v1/cluster/members/" + joiner, null));
        if (wasLeader) {
          leaderFaults.add(new LeaderFault("remove " + joiner, t));
        }
        note("remove " + joiner + " through " + via + ": " + r.status()
            + (r.ok() ? "" : " " + r.body().path("message").asText()));
        if (!r.ok()) {
          throw new IllegalStateException("removing " + joiner + " failed: " + r.status() + " " + r.body());
        }
        cluster.kill(joiner);
        note("stopped " + joiner);
        break;
      }
      case CLIENT_PARTITION: {
        String victim = ids.get(0);
        cluster.clientLink(victim).cut();
        note("cut clients from " + victim);
        hold(step);
        heal();
        break;
      }
      default:
        throw new IllegalStateException("unknown fault " + step.fault());
    }
    Thread.sleep(step.quietAfterMillis());
  }

  /** Starts a node whose env file joins, and waits until a founding member lists it as a voter. */
  private void join(String id) throws Exception {
    cluster.start(id);
    note("start " + id + " to join");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      List<String> others = cluster.ids().stream().filter(o -> !o.equals(id)).toList();
      if (others.stream().anyMatch(o -> Boolean.TRUE.equals(cluster.members(o).get(id)))) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " did not become a voter within 180 s; see " + cluster.logFile(id));
      }
      if (!cluster.isRunning(id)) {
        throw new IllegalStateException(id + " exited while joining; see " + cluster.logFile(id));
      }
      Thread.sleep(500);
    }
    cluster.awaitReady(id, Duration.ofSeconds(120));
    note(id + " joined as a voter");
  }

  private interface OperatorRequest {
    ApiClient.Response send() throws Exception;
  }

  /**
   * An operator request, retried as an operator would when no answer came (a loaded machine
   * can take seconds to accept a TLS connection); gives up after three tries.
   */
  private ApiClient.Response operatorCall(OperatorRequest request) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return request.send();
      } catch (java.io.IOException e) {
        note("operator request got no answer (" + e + ")" + (attempt < 3 ? "; again" : ""));
        if (attempt == 3) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  /** A client of the operator endpoints, trusting every node's CA as it is now. */
  private ApiClient operator() throws Exception {
    return new ApiClient(cluster.caFiles(), cluster::apiUrl, cluster.token(), Duration.ofSeconds(30));
  }

  private void hold(Schedule.Step step) throws InterruptedException {
    Thread.sleep(step.durationMillis());
  }

  private void partition(List<String> a, List<String> b, String what) {
    for (String x : a) {
      for (String y : b) {
        cluster.cutPeers(x, y);
      }
    }
    note("partition (" + what + "): " + a + " | " + b);
  }

  private void heal() {
    cluster.healNetwork();
    lastHealNanos = history.now();
    note("heal network");
  }

  /** Heals everything still broken: network, paused and killed nodes. */
  private void healAll() throws Exception {
    cluster.healNetwork();
    for (String id : cluster.pausedNodes()) {
      cluster.resume(id);
      note("kill -CONT " + id);
    }
    for (String id : cluster.ids()) {
      if (!cluster.isRunning(id)) {
        cluster.start(id);
        note("restart " + id);
        cluster.awaitReady(id, Duration.ofSeconds(120));
      }
    }
    lastHealNanos = history.now();
    note("all healed");
  }

  private String leaderOr(String fallback) throws InterruptedException {
    for (int i = 0; i < 25; i++) {
      Optional<String> l = cluster.leader();
      if (l.isPresent()) {
        return l.get();
      }
      Thread.sleep(200);
    }
    note("no leader found; hitting " + fallback + " instead");
    return fallback;
  }

  private String followerOf(List<String> shuffled) {
    Optional<String> leader = cluster.leader();
    return shuffled.stream().filter(id -> leader.map(l -> !l.equals(id)).orElse(true)).findFirst()
        .orElse(shuffled.get(0));
  }

  private void note(String text) {
    String line = String.format("%10.3f nemesis: %s", history.now() / 1e9, text);
    synchronized (log) {
      log.add(line);
    }
    System.out.println(line);
    history.note("nemesis: " + text);
  }

  /** The faults that took the leader away, when they started. */
  public List<LeaderFault> leaderFaults() {
    return List.copyOf(leaderFaults);
  }

  public long lastHealNanos() {
    return lastHealNanos;
  }

  /** Leadership transfers asked for, and those the cluster reported done. */
  public int transfers() {
    return transfers;
  }

  public int transfersDone() {
    return transfersDone;
  }

  public int isolations() {
    return isolations;
  }

  public int isolationsThatCut() {
    return isolationsThatCut;
  }

  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }
}
