package dev.gloo.ratelimit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gloo.ratelimit.config.ConfigStore;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One in-process gloo-ratelimiter on loopback ports with a gRPC client channel to it. */
final class Harness implements AutoCloseable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  final ConfigStore configs;
  final GlooRateLimiter service;
  final ManagedChannel channel;

  Harness(String redisUrl, String redisPassword, String... settings) {
    this(new ConfigStore(), () -> true, redisUrl, redisPassword, settings);
    try {
      awaitRedis();
    } catch (AssertionError e) {
      close();
      throw e;
    }
  }

  Harness(ConfigStore configs, BooleanSupplier synced, String redisUrl, String redisPassword, String... settings) {
    this.configs = configs;
    Map<String, String> env = new HashMap<>();
    env.put("GRPC_ADDRESS", "127.0.0.1:0");
    env.put("ADMIN_ADDRESS", "127.0.0.1:0");
    env.put("REDIS_URL", redisUrl);
    env.put("REDIS_PASSWORD", redisPassword);
    env.put("REDIS_TIMEOUT_MS", "1000"); // a loaded CI machine must not see spurious failures
    for (String kv : settings) {
      env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    service = new GlooRateLimiter(Settings.from(env), configs, synced, Clock.systemUTC());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
  }

  /** Waits for the service's first Redis connection; before it, requests are not counted. */
  void awaitRedis() {
    try {
      if (!service.awaitRedis(Duration.ofSeconds(30))) {
        throw new AssertionError("the service did not connect to Redis within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Harness onSharedRedis(String... settings) {
    TestRedis.requireShared();
    return new Harness(TestRedis.sharedUrl(), TestRedis.sharedPassword(), settings);
  }

  RateLimitServiceGrpc.RateLimitServiceBlockingStub stub() {
    return RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Puts RateLimitConfig objects (YAML documents) in force. */
  void configs(String... yamlDocs) {
    Map<String, JsonNode> objects = new HashMap<>();
    for (String doc : yamlDocs) {
      JsonNode n = yaml(doc);
      objects.put(n.at("/metadata/namespace").asText() + "/" + n.at("/metadata/name").asText(), n);
    }
    configs.replaceAll(objects, configs.current().revision() + 1);
  }

  static JsonNode yaml(String doc) {
    try {
      return YAML.readTree(doc);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.adminPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  long metric(String line) throws IOException, InterruptedException {
    for (String l : metrics().split("\n")) {
      if (l.startsWith(line + " ")) {
        return Long.parseLong(l.substring(line.length() + 1));
      }
    }
    throw new AssertionError("no metric " + line);
  }

  /** Sleeps past the end of the current window if fewer than {@code margin} seconds remain. */
  static void awayFromWindowEnd(long unitSeconds, long marginSeconds) throws InterruptedException {
    long now = System.currentTimeMillis();
    long left = unitSeconds * 1000 - Math.floorMod(now, unitSeconds * 1000);
    if (left < marginSeconds * 1000) {
      Thread.sleep(left + 50);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    service.close();
  }
}
