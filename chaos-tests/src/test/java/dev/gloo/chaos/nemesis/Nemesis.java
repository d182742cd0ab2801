package dev.gloo.chaos.nemesis;

import dev.gloo.chaos.ChaosCluster;
import dev.gloo.chaos.history.History;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

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
  private final List<Long> leaderKills = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private int isolations;
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
          leaderKills.add(t);
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
        cluster.pause(victim);
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
        partition(List.of(leader), others, "isolate " + leader);
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

  public List<Long> leaderKills() {
    return List.copyOf(leaderKills);
  }

  public long lastHealNanos() {
    return lastHealNanos;
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
