package dev.gloo.ratelimit.server;

import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.NodeArgs;
import dev.gloo.ratelimit.config.ConfigStore;
import dev.gloo.ratelimit.feed.ConfigCacheFile;
import dev.gloo.ratelimit.feed.ControlPlaneConfigs;
import dev.gloo.ratelimit.limiter.CoalescingCounterStore;
import dev.gloo.ratelimit.limiter.CounterStore;
import dev.gloo.ratelimit.limiter.DecisionCounters;
import dev.gloo.ratelimit.limiter.OverLimitCache;
import dev.gloo.ratelimit.limiter.RateLimiter;
import dev.gloo.ratelimit.limiter.RedisCounterStore;
import dev.gloo.ratelimit.limiter.RedisHealth;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gloo-ratelimiter: RateLimitConfigs from the control nodes, counters in Redis, the
 * rate limit service on gRPC and health and metrics on the admin port.
 *
 * <p>{@code gloo-ratelimiter --env-file /etc/gloo/gloo-ratelimiter.env [--set KEY=VALUE]...}
 */
public final class GlooRateLimiter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GlooRateLimiter.class);

  private final RedisConnector redis;
  private final CounterStore counters;
  private final GrpcServer grpc;
  private final AdminServer admin;
  private final ScheduledExecutorService housekeeping;

  /**
   * Starts serving at once; requests are decided against whatever {@code configs} holds, which
   * is nothing until {@code synced} says the first list arrived (health reports NOT_SERVING
   * until then).
   */
  public GlooRateLimiter(Settings settings, ConfigStore configs, BooleanSupplier synced, Clock clock) {
    RedisHealth redisHealth = new RedisHealth(settings.failureMode());
    DecisionCounters decisions = new DecisionCounters();
    OverLimitCache overLimit = new OverLimitCache(settings.overLimitCacheKeys());
    redis = new RedisConnector(settings);
    counters = new CoalescingCounterStore(
        new RedisCounterStore(redis::client, settings.redisMode() == Settings.RedisMode.CLUSTER,
            settings.redisTimeoutMillis(), redis::close),
        settings.redisMaxInFlight(), settings.redisBatchKeys(), settings.redisTimeoutMillis());
    RateLimiter limiter = new RateLimiter(settings.domain(), configs, counters, overLimit,
        settings.failureMode(), redisHealth, decisions, clock);
    Metrics metrics = new Metrics(decisions, redisHealth, configs, overLimit);
    GrpcServer startedGrpc = null;
    try {
      startedGrpc = new GrpcServer(settings.grpcAddress(), settings.grpcTlsCertFile(), settings.grpcTlsKeyFile(),
          new RateLimitService(limiter));
      admin = new AdminServer(settings.adminAddress(), synced, metrics::render);
    } catch (RuntimeException e) {
      // A port in use must not leave the Redis client or the other listener running.
      if (startedGrpc != null) {
        startedGrpc.close();
      }
      counters.close();
      throw e;
    }
    grpc = startedGrpc;
    housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ratelimit-housekeeping");
      t.setDaemon(true);
      return t;
    });
    housekeeping.scheduleAtFixedRate(() -> {
      overLimit.sweep(clock.millis() / 1000);
      grpc.setServing(synced.getAsBoolean());
    }, 0, 1, TimeUnit.SECONDS);
    log.info("gloo-ratelimiter: domain {} on gRPC{} {}:{}, admin http://{}:{}, Redis {} {} (failure mode {})",
        settings.domain(), settings.grpcTlsCertFile() != null ? " (TLS)" : "", settings.grpcAddress().getHostString(), grpc.port(),
        settings.adminAddress().getHostString(), admin.port(), settings.redisMode(),
        settings.redisAddresses(), settings.failureMode());
  }

  /** True once the first Redis connection succeeded (within {@code timeout}); until then requests fail open or closed. */
  public boolean awaitRedis(Duration timeout) throws InterruptedException {
    return redis.awaitConnected(timeout);
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int adminPort() {
    return admin.port();
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    grpc.close();
    admin.close();
    counters.close();
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    ControlEndpoints endpoints;
    try {
      Map<String, String> env = NodeArgs.parse(args);
      settings = Settings.from(env);
      endpoints = ControlEndpoints.fromSettings(env);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("gloo-ratelimiter: " + e.getMessage()
          + "\nusage: gloo-ratelimiter --env-file FILE [--set KEY=VALUE]...");
      System.exit(2);
      return;
    }
    ControlPlaneConfigs configs = new ControlPlaneConfigs(endpoints,
        settings.configCacheFile() == null ? null : new ConfigCacheFile(settings.configCacheFile()));
    GlooRateLimiter app;
    try {
      app = new GlooRateLimiter(settings, configs.store(), configs::synced, Clock.systemUTC());
    } catch (ConfigException | UncheckedIOException e) {
      configs.close();
      System.err.println("gloo-ratelimiter: " + e.getMessage()
          + (e.getCause() != null ? ": " + e.getCause().getMessage() : ""));
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      app.close();
      configs.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
