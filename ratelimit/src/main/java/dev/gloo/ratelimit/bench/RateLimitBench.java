package dev.gloo.ratelimit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.ratelimit.config.ConfigStore;
import dev.gloo.ratelimit.server.GlooRateLimiter;
import dev.gloo.ratelimit.server.Settings;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Decisions per second and latency of gloo-ratelimiter with 64 concurrent gRPC callers (closed
 * loop), on one counter and on 10,000 counters, beside {@code redis-benchmark -t incr} with the
 * same concurrency against the same Redis. Every decision increments a Redis counter: the limit
 * is never reached, so the over-limit cache never answers.
 *
 * <p>{@code bin/bench-ratelimit [seconds per run] [warm-up seconds]}; REDIS_URL and
 * REDIS_PASSWORD as for the service. The service and the callers share one JVM; the callers
 * use one channel, as one Envoy would.
 */
public final class RateLimitBench {
  private static final int CALLERS = 64;
  private static final int ROUNDS = 3;
  private static final String CONFIG = """
      {"metadata": {"name": "bench", "namespace": "bench"},
       "spec": {"raw": {"descriptors": [
         {"key": "generic_key", "rateLimit": {"requestsPerUnit": 4000000000, "unit": "SECOND"}}]}}}
      """;

  private RateLimitBench() {}

  /** @param cpuMicros CPU time of the JVM per decision, service and callers together; NaN if not measured */
  record Result(String name, double perSecond, double p50Millis, double p99Millis, double cpuMicros) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    String password = System.getenv().getOrDefault("REDIS_PASSWORD", "");
    Map<String, String> env = new HashMap<>();
    env.put("GRPC_ADDRESS", "127.0.0.1:0");
    env.put("ADMIN_ADDRESS", "127.0.0.1:0");
    env.put("REDIS_URL", redisUrl);
    env.put("REDIS_PASSWORD", password);
    env.put("REDIS_TIMEOUT_MS", "2000");
    // REDIS_MAX_IN_FLIGHT, REDIS_BATCH_KEYS and the like can be tried from the environment.
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("REDIS_") && !k.equals("REDIS_URL") && !k.equals("REDIS_PASSWORD")) {
        env.put(k, v);
      }
    });
    ConfigStore configs = new ConfigStore();
    configs.replaceAll(Map.of("bench/bench", new ObjectMapper().readTree(CONFIG)), 1);

    List<Result> oneKey = new ArrayList<>();
    List<Result> manyKeys = new ArrayList<>();
    List<Result> redis = new ArrayList<>();
    URI redisUri = URI.create(redisUrl);
    try (GlooRateLimiter service = new GlooRateLimiter(Settings.from(env), configs, () -> true, Clock.systemUTC())) {
      if (!service.awaitRedis(java.time.Duration.ofSeconds(30))) {
        throw new IllegalStateException("no connection to Redis at " + redisUrl + " within 30 s");
      }
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.grpcPort())
          .usePlaintext().directExecutor().disableRetry().build();
      try {
        // The JIT needs tens of seconds to reach steady state on a small, busy machine.
        run(channel, 10_000, warmup);
        // Rounds interleave the three runs so that a change in the machine's other load
        // weighs on all of them alike; the table shows each run's median.
        for (int round = 0; round < ROUNDS; round++) {
          oneKey.add(run(channel, 1, seconds));
          redis.add(redisBenchmark(redisUri, password, seconds, oneKey.get(round).perSecond()));
          manyKeys.add(run(channel, 10_000, seconds));
          System.out.printf("round %d: 1 key %,.0f/s, redis-benchmark %,.0f/s, 10000 keys %,.0f/s%n", round + 1,
              oneKey.get(round).perSecond(), redis.get(round).perSecond(), manyKeys.get(round).perSecond());
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    print(List.of(median(oneKey), median(manyKeys)), median(redis), seconds);
  }

  private static Result median(List<Result> rounds) {
    List<Result> sorted = new ArrayList<>(rounds);
    sorted.sort(java.util.Comparator.comparingDouble(Result::perSecond));
    return sorted.get(sorted.size() / 2);
  }

  /** {@code callers} closed loops over {@code keys} counters for {@code seconds}. */
  private static Result run(ManagedChannel channel, int keys, int seconds) throws InterruptedException {
    RateLimitRequest[] requests = new RateLimitRequest[keys];
    for (int i = 0; i < keys; i++) {
      requests[i] = RateLimitRequest.newBuilder().setDomain("solo.io")
          .addDescriptors(RateLimitDescriptor.newBuilder()
              .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("solo.io/config").setValue("bench.bench"))
              .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue("k" + i)))
          .build();
    }
    RateLimitServiceGrpc.RateLimitServiceStub stub = RateLimitServiceGrpc.newStub(channel);
    Recorder latencies = new Recorder(TimeUnit.SECONDS.toNanos(10), 3);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch finished = new CountDownLatch(CALLERS);
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    for (int c = 0; c < CALLERS; c++) {
      new Caller(stub, requests, c, end, latencies, done, failed, finished).next();
    }
    finished.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuMicros = (processCpuNanos() - cpuStart) / 1e3 / Math.max(1, done.get());
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " calls failed");
    }
    Histogram h = latencies.getIntervalHistogram();
    return new Result("gloo-ratelimiter, " + (keys == 1 ? "1 key" : keys + " keys"), done.get() / elapsed,
        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, cpuMicros);
  }

  /** CPU time of this JVM: service and callers together. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** One caller: sends the next request when the previous answer arrives, until the end. */
  private static final class Caller implements StreamObserver<RateLimitResponse> {
    private final RateLimitServiceGrpc.RateLimitServiceStub stub;
    private final RateLimitRequest[] requests;
    private final long end;
    private final Recorder latencies;
    private final AtomicLong done;
    private final AtomicLong failed;
    private final CountDownLatch finished;
    private int next;
    private long sentAt;

    Caller(RateLimitServiceGrpc.RateLimitServiceStub stub, RateLimitRequest[] requests, int first, long end,
        Recorder latencies, AtomicLong done, AtomicLong failed, CountDownLatch finished) {
      this.stub = stub;
      this.requests = requests;
      this.next = first;
      this.end = end;
      this.latencies = latencies;
      this.done = done;
      this.failed = failed;
      this.finished = finished;
    }

    void next() {
      sentAt = System.nanoTime();
      if (sentAt >= end) {
        finished.countDown();
        return;
      }
      RateLimitRequest r = requests[next % requests.length];
      next += CALLERS;
      stub.shouldRateLimit(r, this);
    }

    @Override
    public void onNext(RateLimitResponse value) {
      if (value.getOverallCode() != RateLimitResponse.Code.OK || value.getResponseHeadersToAddCount() == 0) {
        failed.incrementAndGet(); // over the limit or not counted in Redis: not what is measured
      }
    }

    @Override
    public void onError(Throwable t) {
      failed.incrementAndGet();
      finished.countDown();
    }

    @Override
    public void onCompleted() {
      latencies.recordValue(System.nanoTime() - sentAt);
      done.incrementAndGet();
      next();
    }
  }

  /** {@code redis-benchmark -t incr} with as many clients as the service had callers. */
  private static Result redisBenchmark(URI redis, String password, int seconds, double serviceRate)
      throws IOException, InterruptedException {
    // Sized to run about as long as a service run, guessing Redis at twice the service's rate.
    int requests = (int) Math.max(50_000, Math.min(5_000_000, seconds * serviceRate * 2));
    List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", redis.getHost(), "-p", Integer.toString(redis.getPort()),
        "-t", "incr", "-c", Integer.toString(CALLERS), "-n", Integer.toString(requests), "--csv"));
    if (!password.isEmpty()) {
      cmd.addAll(List.of("-a", password));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("redis-benchmark failed: " + out + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    for (String line : out.split("\n")) {
      if (line.startsWith("\"INCR\"")) {
        String[] f = line.replace("\"", "").split(",");
        return new Result("redis-benchmark -t incr", Double.parseDouble(f[1]), Double.parseDouble(f[4]), Double.parseDouble(f[6]),
            Double.NaN);
      }
    }
    throw new IOException("no INCR line in redis-benchmark output: " + out);
  }

  private static void print(List<Result> results, Result redis, int seconds) {
    System.out.printf("%n%d concurrent callers, median of %d rounds of %d s, %d cores%n%n", CALLERS, ROUNDS, seconds,
        Runtime.getRuntime().availableProcessors());
    System.out.println("| run | decisions/s | p50 ms | p99 ms | JVM CPU us/decision | vs Redis INCR/s |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      System.out.printf("| %s | %,.0f | %.2f | %.2f | %.0f | %.2fx |%n", r.name(), r.perSecond(), r.p50Millis(), r.p99Millis(),
          r.cpuMicros(), r.perSecond() / redis.perSecond());
    }
    System.out.printf("| %s | %,.0f | %.2f | %.2f | | 1.00x |%n", redis.name(), redis.perSecond(), redis.p50Millis(), redis.p99Millis());
  }
}
