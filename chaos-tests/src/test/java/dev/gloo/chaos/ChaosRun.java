package dev.gloo.chaos;

import dev.gloo.chaos.checker.Availability;
import dev.gloo.chaos.checker.LinearizabilityChecker;
import dev.gloo.chaos.checker.LostWritesChecker;
import dev.gloo.chaos.checker.RegisterModel;
import dev.gloo.chaos.checker.XdsChecker;
import dev.gloo.chaos.history.History;
import dev.gloo.chaos.history.Op;
import dev.gloo.chaos.nemesis.Fault;
import dev.gloo.chaos.nemesis.Nemesis;
import dev.gloo.chaos.nemesis.Schedule;
import dev.gloo.chaos.workload.ApiClient;
import dev.gloo.chaos.workload.RegisterWorkload;
import dev.gloo.chaos.xds.AdsMonitor;
import dev.gloo.chaos.xds.RouteWriter;
import dev.gloo.chaos.xds.XdsObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One Jepsen-style run: start the cluster, set up the xDS objects and monitors, run the
 * workload while the nemesis plays its schedule, heal, let the workload run on a little, read
 * the final state from every node, wait for the monitors, and check. Prints a summary; on any
 * anomaly writes the history, the nemesis log and the node logs under
 * {@code target/chaos/<name>-<seed>/}.
 */
public final class ChaosRun {

  public record Config(String name, int nodes, int clients, int keys, List<Fault> faults, int steps,
      Duration minFault, Duration maxFault, Duration minQuiet, Duration maxQuiet, Duration afterHeal,
      Duration convergenceBound, Duration checkBudget, long seed, Path outDir) {}

  /** What the run found; {@code anomalies} empty means every check passed. */
  public record Report(List<String> anomalies, String summary, Path evidence) {}

  private ChaosRun() {}

  public static Report run(Config c) throws Exception {
    Schedule schedule = Schedule.of(c.seed(), c.faults(), c.steps(), c.minFault().toMillis(), c.maxFault().toMillis(),
        c.minQuiet().toMillis(), c.maxQuiet().toMillis());
    System.out.println("chaos run " + c.name() + ", " + c.nodes() + " nodes, seed " + c.seed()
        + " (rerun with -Dchaos.seed=" + c.seed() + ")\n" + schedule);
    Path work = Files.createTempDirectory(c.outDir().getParent(), "chaos-work-");
    History history = null;
    List<String> anomalies = new ArrayList<>();
    List<AdsMonitor> monitors = new ArrayList<>();
    List<AutoCloseable> clients = new ArrayList<>(); // stopped before the cluster, also on failure
    StringBuilder summary = new StringBuilder();
    try (ChaosCluster cluster = new ChaosCluster(work, c.nodes())) {
      try {
        cluster.startAll();
        awaitLeader(cluster);
        ApiClient api = new ApiClient(cluster.caFiles(), cluster::apiUrl, cluster.token(), Duration.ofSeconds(5));
        List<String> ids = cluster.ids();
        history = new History(); // the run's clock starts once the cluster is up
        History clock = history;
        RouteWriter writer = new RouteWriter(api, ids, c.seed(), clock::now);
        writer.setUp();
        for (int i = 0; i < Math.max(2, c.nodes() - 1); i++) {
          AdsMonitor m = new AdsMonitor("monitor" + (i + 1), ids, idx -> cluster.xdsPort(ids.get(idx)),
              RouteWriter.GATEWAY, i, clock::now);
          monitors.add(m);
          m.start();
        }
        List<String> keys = IntStream.range(0, c.keys()).mapToObj(i -> "chaos-" + i).toList();
        RegisterWorkload workload = new RegisterWorkload(api, history, ids, keys, c.clients(), c.seed());
        long start = history.now();
        workload.start();
        clients.add(workload::stop);
        writer.start();
        clients.add(writer::stop);
        Nemesis nemesis = new Nemesis(cluster, history, schedule);
        nemesis.start();
        nemesis.await(Duration.ofMinutes(20));
        Thread.sleep(c.afterHeal().toMillis()); // the workload goes on against the healed cluster
        workload.stop();
        writer.stop();
        long end = history.now();
        // Convergence counts from when the final config could exist: the last heal or the last write.
        long heal = Math.max(nemesis.lastHealNanos(), writer.lastWriteEndedNanos());
        history.note("workload stopped");

        Map<String, Map<String, String>> finalReads = new TreeMap<>();
        for (String id : ids) {
          finalReads.put(id, retry(() -> workload.finalRead(id), Duration.ofSeconds(60)));
        }
        long finalCounter = retry(() -> writer.read(ids.get(0)), Duration.ofSeconds(60));
        awaitMonitors(monitors, finalCounter, heal, history, c.convergenceBound());

        List<Op> ops = history.ops();
        LinearizabilityChecker.Result lin =
            new LinearizabilityChecker<>(new RegisterModel(), c.checkBudget().toNanos()).check(ops);
        if (!lin.valid()) {
          anomalies.add("linearizability: " + lin.explain());
        } else {
          anomalies.addAll(checkerSelfTest(ops, c.checkBudget()));
        }
        anomalies.addAll(LostWritesChecker.check(ops, finalReads));
        Map<String, List<XdsObservation>> observed = new LinkedHashMap<>();
        monitors.forEach(m -> observed.put(m.name(), m.observations()));
        XdsChecker.Result xds = XdsChecker.check(observed, finalCounter, heal, c.convergenceBound().toNanos());
        anomalies.addAll(xds.anomalies());
        if (nemesis.isolations() > 0 && nemesis.isolationsThatCut() == 0) {
          anomalies.add("the others still followed every isolated leader: the partitions did not cut Raft");
        }
        Availability availability = Availability.of(ops, start, end, nemesis.leaderFaults());

        for (String id : ids) {
          summary.append(id).append(" /status: ").append(cluster.status(id).map(Object::toString).orElse("(no answer)"))
              .append('\n');
        }
        summary.append(summarize(c, ops, lin, availability, xds, workload, writer, monitors, nemesis, finalCounter,
            anomalies));
      } catch (Throwable t) {
        anomalies.add("the run did not complete: " + t);
        throw t;
      } finally {
        for (AutoCloseable client : clients) {
          client.close(); // idempotent: a stopped workload stops at once
        }
        monitors.forEach(AdsMonitor::close);
        if (summary.length() > 0) {
          System.out.println(summary);
        }
        if (!anomalies.isEmpty() || Boolean.getBoolean("chaos.keep")) {
          Path evidence = c.outDir().resolve(c.name() + "-" + c.seed());
          List<String> xdsEvents = new ArrayList<>();
          monitors.forEach(m -> xdsEvents.addAll(m.events()));
          keepEvidence(evidence, cluster, history == null ? new History() : history, schedule, summary.toString(),
              anomalies, xdsEvents);
          System.out.println("history and node logs: " + evidence);
        }
      }
    } finally {
      deleteTree(work);
    }
    return new Report(anomalies, summary.toString(),
        anomalies.isEmpty() ? null : c.outDir().resolve(c.name() + "-" + c.seed()));
  }

  private static String summarize(Config c, List<Op> ops, LinearizabilityChecker.Result lin, Availability a,
      XdsChecker.Result xds, RegisterWorkload workload, RouteWriter writer, List<AdsMonitor> monitors,
      Nemesis nemesis, long finalCounter, List<String> anomalies) {
    StringBuilder b = new StringBuilder();
    b.append("\n==== chaos summary: ").append(c.name()).append(", ").append(c.nodes()).append(" nodes, ")
        .append(c.clients()).append(" clients, ").append(c.keys()).append(" keys, seed ").append(c.seed()).append(" ====\n");
    b.append(String.format("%-8s %8s %8s %8s%n", "op", "ok", "fail", "info"));
    for (Op.Kind k : Op.Kind.values()) {
      b.append(String.format("%-8s %8d %8d %8d%n", k, count(ops, k, Op.Outcome.OK), count(ops, k, Op.Outcome.FAIL),
          count(ops, k, Op.Outcome.INFO)));
    }
    b.append("responses: ").append(workload.responseCounts()).append('\n');
    b.append(String.format("linearizability: %s in %d ms%n", lin.verdict(), lin.nanos() / 1_000_000));
    b.append(String.format("longest window without an acknowledged write: %.2f s (from %.2f s)%n",
        a.longestGapNanos() / 1e9, a.gapFromNanos() / 1e9));
    b.append("leader fault -> next acknowledged write: ").append(a.recoveries().isEmpty() ? "no leader fault"
        : a.recoveries().stream().map(Availability.Recovery::toString).collect(Collectors.joining(", "))).append('\n');
    b.append(String.format("xDS: route writes acknowledged up to /v%d (%d attempts), final /v%d; %d monitors, %d"
        + " responses, %d streams; convergence after the last heal: %s%n", writer.acknowledged(), writer.attempts(),
        finalCounter, monitors.size(), monitors.stream().mapToInt(m -> m.observations().size()).sum(),
        monitors.stream().mapToInt(AdsMonitor::streams).sum(),
        xds.convergenceNanos().values().stream().map(n -> String.format("%.2f s", n / 1e9))
            .collect(Collectors.joining(", "))));
    b.append(String.format("leader isolations: %d, after which the others no longer followed it: %d%n",
        nemesis.isolations(), nemesis.isolationsThatCut()));
    b.append(String.format("leadership transfers asked: %d, done: %d%n", nemesis.transfers(), nemesis.transfersDone()));
    b.append("nemesis:\n");
    nemesis.log().forEach(l -> b.append("  ").append(l).append('\n'));
    b.append("anomalies: ").append(anomalies.size()).append('\n');
    anomalies.forEach(x -> b.append("  - ").append(x).append('\n'));
    return b.toString();
  }

  /**
   * The checker must be able to fail on this very history: one read that saw a compare-and-set's
   * value is made to return the value that write had already replaced (values are never written
   * twice, so that is a stale read for certain), and the checker has to reject the result.
   */
  static List<String> checkerSelfTest(List<Op> ops, Duration budget) {
    for (Op w : ops) {
      if (w.kind() != Op.Kind.CAS || w.outcome() != Op.Outcome.OK) {
        continue;
      }
      for (int i = 0; i < ops.size(); i++) {
        Op r = ops.get(i);
        if (r.kind() == Op.Kind.READ && r.outcome() == Op.Outcome.OK && r.key().equals(w.key())
            && w.value().equals(r.value()) && r.invokeNanos() > w.completeNanos()) {
          List<Op> tampered = new ArrayList<>(ops);
          tampered.set(i, new Op(r.process(), r.node(), r.key(), r.kind(), null, w.expected(), r.outcome(), "tampered",
              r.invokeNanos(), r.completeNanos()));
          LinearizabilityChecker.Result res =
              new LinearizabilityChecker<>(new RegisterModel(), budget.toNanos()).check(tampered);
          return res.verdict() == LinearizabilityChecker.Verdict.NOT_LINEARIZABLE ? List.of()
              : List.of("the checker did not reject this history with one stale read injected (" + res.verdict() + ")");
        }
      }
    }
    return List.of("no acknowledged compare-and-set was read afterwards: the workload tested nothing");
  }

  private static long count(List<Op> ops, Op.Kind k, Op.Outcome o) {
    return ops.stream().filter(op -> op.kind() == k && op.outcome() == o).count();
  }

  private static void awaitLeader(ChaosCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (cluster.leader().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader within 120 s of start");
      }
      Thread.sleep(200);
    }
  }

  /** Waits until every monitor holds the final counter, or the bound (plus slack) passes. */
  private static void awaitMonitors(List<AdsMonitor> monitors, long finalCounter, long healNanos, History history,
      Duration bound) throws InterruptedException {
    long deadline = healNanos + bound.toNanos() + TimeUnit.SECONDS.toNanos(5);
    while (history.now() < deadline) {
      boolean all = monitors.stream().allMatch(m -> {
        List<XdsObservation> o = m.observations();
        return !o.isEmpty() && o.get(o.size() - 1).counter() == finalCounter;
      });
      if (all) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private interface Attempt<T> {
    T call() throws Exception;
  }

  private static <T> T retry(Attempt<T> attempt, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return attempt.call();
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private static void keepEvidence(Path out, ChaosCluster cluster, History history, Schedule schedule,
      String summary, List<String> anomalies, List<String> xdsEvents) {
    try {
      Files.createDirectories(out);
      history.write(out.resolve("history.txt"));
      Files.writeString(out.resolve("schedule.txt"), schedule.toString());
      Files.write(out.resolve("xds-monitors.txt"), xdsEvents);
      Files.writeString(out.resolve("summary.txt"), summary + "\n" + String.join("\n", anomalies) + "\n");
      List<String> nodes = new ArrayList<>(cluster.ids());
      nodes.add(cluster.spare());
      for (String id : nodes) {
        if (Files.exists(cluster.logFile(id))) {
          Files.copy(cluster.logFile(id), out.resolve(id + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.out.println("could not keep the evidence under " + out + ": " + e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.out.println("could not delete " + dir + ": " + e);
    }
  }
}
