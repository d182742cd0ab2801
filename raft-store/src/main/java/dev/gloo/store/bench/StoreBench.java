package dev.gloo.store.bench;

import dev.gloo.store.KeyValue;
import dev.gloo.store.Txn;
import dev.gloo.store.raft.NodeConfig;
import dev.gloo.store.raft.RaftStoreNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Closed-loop benchmark of a 3-node store on loopback, shaped like the etcd baseline
 * ({@code etcd-bench}): each of N workers keeps one request outstanding, writes go to keys no
 * other request writes, requests are spread round-robin over the three nodes (a write that
 * reaches a follower is forwarded to the leader, as in etcd), a warm-up runs first and is not
 * measured. It prints a table and one {@code RESULT} line per level.
 *
 * <pre>
 *   StoreBench [--concurrency 16,64] [--value-size 2048] [--duration 20] [--warmup 10]
 *              [--modes write,read] [--port-base 24800] [--dir /tmp] [--layout jvm|processes]
 * </pre>
 *
 * <p>With {@code --layout jvm} (the default) the three nodes run in this JVM (each with its own
 * Raft server, log and RocksDB, talking gRPC over loopback), so the CPU column is nodes and
 * workers together. With {@code --layout processes} each node is its own JVM, as the product
 * runs, and the workers write to them over loopback sockets ({@link NodeProcesses}); the CPU
 * column is then the three node processes only, as for the API benchmark.
 */
public final class StoreBench {
  private StoreBench() {}

  record Options(int[] concurrency, int valueSize, double durationS, double warmupS,
      List<String> modes, int portBase, Path dir, boolean processes) {

    static Options parse(String[] args) {
      int[] concurrency = {16, 64};
      int valueSize = 2048;
      double duration = 20;
      double warmup = 10;
      List<String> modes = List.of("write", "read");
      int portBase = 24800;
      Path dir = Path.of(System.getProperty("java.io.tmpdir"));
      boolean processes = false;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + name);
        }
        String value = args[++i];
        switch (name) {
          case "--concurrency" -> concurrency = Arrays.stream(value.split(",")).map(String::trim)
              .mapToInt(Integer::parseInt).toArray();
          case "--value-size" -> valueSize = Integer.parseInt(value);
          case "--duration" -> duration = Double.parseDouble(value);
          case "--warmup" -> warmup = Double.parseDouble(value);
          case "--modes" -> modes = List.of(value.split(","));
          case "--port-base" -> portBase = Integer.parseInt(value);
          case "--dir" -> dir = Path.of(value);
          case "--layout" -> processes = switch (value) {
            case "jvm" -> false;
            case "processes" -> true;
            default -> throw new IllegalArgumentException("--layout is jvm or processes, not " + value);
          };
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (processes && !modes.equals(List.of("write"))) {
        throw new IllegalArgumentException("--layout processes runs --modes write only");
      }
      return new Options(concurrency, valueSize, duration, warmup, modes, portBase, dir, processes);
    }
  }

  record Level(String mode, int concurrency, long ops, long errors, double elapsedS,
      long[] sortedNanos, double cpuS, String firstError) {

    double opsPerSecond() {
      return elapsedS > 0 ? ops / elapsedS : 0;
    }

    double percentileMs(double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
      return sortedNanos[Math.min(Math.max(rank - 1, 0), sortedNanos.length - 1)] / 1e6;
    }
  }

  /** One closed-loop client, issuing the next request from the completion of the previous. */
  private static final class Worker {
    private final Function<Long, CompletableFuture<?>> op;
    private final long measureStart;
    private final long end;
    private final CountDownLatch done;
    private long[] samples = new long[4096];
    private int size;
    private long seq;
    private long errors;
    private long lastCompletion;
    private String firstError;

    Worker(Function<Long, CompletableFuture<?>> op, long measureStart, long end, CountDownLatch done) {
      this.op = op;
      this.measureStart = measureStart;
      this.end = end;
      this.done = done;
    }

    void next() {
      long t0 = System.nanoTime();
      if (t0 - end >= 0) {
        done.countDown();
        return;
      }
      CompletableFuture<?> f;
      try {
        f = op.apply(seq++);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        record(t0, e);
        next();
      });
    }

    private synchronized void record(long t0, Throwable failure) {
      long t1 = System.nanoTime();
      if (failure != null && firstError == null) {
        firstError = failure.toString();
      }
      if (t0 - measureStart < 0) {
        return;
      }
      if (failure == null) {
        if (size == samples.length) {
          samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = t1 - t0;
      } else {
        errors++;
      }
      lastCompletion = t1;
    }
  }

  public static void main(String[] args) throws Exception {
    Options opt;
    try {
      opt = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("StoreBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path root = Files.createTempDirectory(opt.dir(), "store-bench");
    try {
      List<Level> results = opt.processes() ? runProcesses(opt, root) : runInThisJvm(opt, root);
      printTable(opt, results);
    } finally {
      deleteRecursively(root);
    }
    System.exit(0);
  }

  private static List<Level> runInThisJvm(Options opt, Path root) throws Exception {
    List<RaftStoreNode> nodes = new ArrayList<>();
    try {
      String clusterId = UUID.randomUUID().toString();
      Map<String, String> members = new LinkedHashMap<>();
      for (int i = 1; i <= 3; i++) {
        members.put("n" + i, "127.0.0.1:" + (opt.portBase() + i));
      }
      for (int i = 1; i <= 3; i++) {
        nodes.add(RaftStoreNode.start(new NodeConfig("n" + i, "127.0.0.1", opt.portBase() + i,
            root.resolve("n" + i), clusterId, members, NodeConfig.Tuning.defaults())));
      }
      for (RaftStoreNode n : nodes) {
        n.awaitReady(Duration.ofSeconds(60));
      }
      byte[] value = value(opt);
      List<Level> results = new ArrayList<>();
      for (String mode : opt.modes()) {
        for (int c : opt.concurrency()) {
          String prefix = "/bench/" + mode + "/c" + c + "/";
          if (mode.equals("read")) {
            preload(nodes, prefix, c, value);
          }
          Level level = runLevel(opt, mode, c, w -> {
            RaftStoreNode node = nodes.get(w % nodes.size());
            String base = prefix + "w" + w + "/";
            switch (mode) {
              case "write":
                return seq -> node.txnAsync(Txn.put(base + seq, value));
              case "readwrite":
                // What an API write does: a linearizable read, then a conditional write.
                return seq -> node.getAsync(base + "anchor")
                    .thenCompose(kv -> node.txnAsync(Txn.create(base + seq, value)));
              default:
                return seq -> node.getAsync(base + (seq % 100)).thenApply(StoreBench::present);
            }
          }, StoreBench::cpuNanos);
          results.add(report(level));
        }
      }
      return results;
    } finally {
      for (RaftStoreNode n : nodes) {
        n.close();
      }
    }
  }

  private static List<Level> runProcesses(Options opt, Path root) throws Exception {
    byte[] value = value(opt);
    List<Level> results = new ArrayList<>();
    try (NodeProcesses nodes = NodeProcesses.start(root, opt.portBase(), UUID.randomUUID().toString())) {
      for (int c : opt.concurrency()) {
        String prefix = "/bench/write/c" + c + "/";
        ExecutorService pool = Executors.newFixedThreadPool(c);
        List<NodeProcesses.Client> clients = new ArrayList<>();
        try {
          for (int w = 0; w < c; w++) {
            clients.add(nodes.connect(w % 3));
          }
          results.add(report(runLevel(opt, "write", c, w -> {
            NodeProcesses.Client client = clients.get(w);
            String base = prefix + "w" + w + "/";
            return seq -> CompletableFuture.runAsync(() -> client.put(base + seq, value), pool);
          }, nodes::cpuNanos)));
        } finally {
          for (NodeProcesses.Client client : clients) {
            client.close();
          }
          pool.shutdownNow();
        }
      }
    }
    return results;
  }

  private static byte[] value(Options opt) {
    byte[] value = new byte[opt.valueSize()];
    Arrays.fill(value, (byte) 'x');
    return value;
  }

  private static Level report(Level level) {
    System.out.printf("RESULT store %s concurrency=%d ops_per_s=%.0f p50_ms=%.2f p90_ms=%.2f"
            + " p99_ms=%.2f p999_ms=%.2f max_ms=%.2f errors=%d cpu_s=%.1f%n",
        level.mode(), level.concurrency(), level.opsPerSecond(), level.percentileMs(50), level.percentileMs(90),
        level.percentileMs(99), level.percentileMs(99.9), level.percentileMs(100),
        level.errors(), level.cpuS());
    if (level.firstError() != null) {
      System.out.println("  first error: " + level.firstError());
    }
    return level;
  }

  private static KeyValue present(Optional<KeyValue> kv) {
    return kv.orElseThrow(() -> new IllegalStateException("preloaded key missing"));
  }

  private static void preload(List<RaftStoreNode> nodes, String prefix, int workers, byte[] value) {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      for (int k = 0; k < 100; k++) {
        pending.add(nodes.get(0).txnAsync(Txn.put(prefix + "w" + w + "/" + k, value)));
        if (pending.size() >= 256) {
          pending.forEach(CompletableFuture::join);
          pending.clear();
        }
      }
    }
    pending.forEach(CompletableFuture::join);
  }

  static Level runLevel(Options opt, String mode, int concurrency,
      Function<Integer, Function<Long, CompletableFuture<?>>> opFor, LongSupplier cpuNanos)
      throws InterruptedException {
    long begin = System.nanoTime();
    long measureStart = begin + (long) (opt.warmupS() * 1e9);
    long end = measureStart + (long) (opt.durationS() * 1e9);
    CountDownLatch done = new CountDownLatch(concurrency);
    List<Worker> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(new Worker(opFor.apply(w), measureStart, end, done));
    }
    workers.forEach(Worker::next);
    long sleepMs = (measureStart - System.nanoTime()) / 1_000_000;
    if (sleepMs > 0) {
      Thread.sleep(sleepMs);
    }
    long cpuStart = cpuNanos.getAsLong();
    long stuck = done.await(Math.max(end + 15_000_000_000L - System.nanoTime(), 0), TimeUnit.NANOSECONDS)
        ? 0 : done.getCount();
    long cpuEnd = cpuNanos.getAsLong();
    long errors = stuck;
    long last = measureStart;
    String firstError = stuck > 0 ? stuck + " request(s) still outstanding 15 s after the end" : null;
    int total = 0;
    List<long[]> all = new ArrayList<>();
    for (Worker w : workers) {
      synchronized (w) {
        all.add(Arrays.copyOf(w.samples, w.size));
        total += w.size;
        errors += w.errors;
        if (w.lastCompletion - last > 0) {
          last = w.lastCompletion;
        }
        if (firstError == null) {
          firstError = w.firstError;
        }
      }
    }
    long[] sorted = new long[total];
    int at = 0;
    for (long[] s : all) {
      System.arraycopy(s, 0, sorted, at, s.length);
      at += s.length;
    }
    Arrays.sort(sorted);
    return new Level(mode, concurrency, total, errors, (last - measureStart) / 1e9, sorted,
        (cpuEnd - cpuStart) / 1e9, firstError);
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  private static void printTable(Options opt, List<Level> results) {
    System.out.printf("%nstore: 3 nodes on loopback (%s), %d-byte values, %.0f s measured after %.0f s warm-up%n",
        opt.processes() ? "one process each" : "in one JVM", opt.valueSize(), opt.durationS(), opt.warmupS());
    System.out.printf("%-6s %5s %10s %9s %9s %9s %9s %9s %7s %7s%n",
        "mode", "conc", "ops/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "cpu s");
    for (Level l : results) {
      System.out.printf("%-6s %5d %10.0f %9.2f %9.2f %9.2f %9.2f %9.2f %7d %7.1f%n",
          l.mode(), l.concurrency(), l.opsPerSecond(), l.percentileMs(50), l.percentileMs(90),
          l.percentileMs(99), l.percentileMs(99.9), l.percentileMs(100), l.errors(), l.cpuS());
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
