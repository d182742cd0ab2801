package dev.gloo.ratelimit.server;

import dev.gloo.cluster.ConfigException;
import dev.gloo.ratelimit.limiter.FailureMode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one gloo-ratelimiter, from an env file like
 * {@code /etc/gloo/gloo-ratelimiter.env}; see ratelimit/README.md for each key.
 */
public record Settings(
    InetSocketAddress grpcAddress,
    Path grpcTlsCertFile,
    Path grpcTlsKeyFile,
    InetSocketAddress adminAddress,
    String domain,
    RedisMode redisMode,
    List<URI> redisAddresses,
    String redisSentinelMaster,
    String redisUsername,
    String redisPassword,
    Path redisTlsCaFile,
    int redisTimeoutMillis,
    int redisPoolSize,
    int redisMaxInFlight,
    int redisBatchKeys,
    FailureMode failureMode,
    int overLimitCacheKeys,
    Path configCacheFile) {

  public enum RedisMode { SINGLE, SENTINEL, CLUSTER }

  public static Settings from(Map<String, String> env) {
    RedisMode mode = parseEnum(env.getOrDefault("REDIS_MODE", "single"), "REDIS_MODE");
    List<URI> redis = Arrays.stream(env.getOrDefault("REDIS_URL", "redis://127.0.0.1:6379").split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).map(s -> redisUri(s)).toList();
    if (redis.isEmpty()) {
      throw new ConfigException("REDIS_URL: at least one redis:// or rediss:// address");
    }
    if (mode == RedisMode.SINGLE && redis.size() > 1) {
      throw new ConfigException("REDIS_URL: one address with REDIS_MODE=single, found " + redis.size());
    }
    String ca = env.get("REDIS_TLS_CA_FILE");
    FailureMode failureMode;
    try {
      failureMode = FailureMode.parse(env.getOrDefault("REDIS_FAILURE_MODE", "allow"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("REDIS_FAILURE_MODE: " + e.getMessage());
    }
    Path grpcCert = path(env.get("GRPC_TLS_CERT_FILE"));
    Path grpcKey = path(env.get("GRPC_TLS_KEY_FILE"));
    if ((grpcCert == null) != (grpcKey == null)) {
      throw new ConfigException("GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE: set both or neither");
    }
    return new Settings(
        address(env.getOrDefault("GRPC_ADDRESS", "127.0.0.1:18081"), "GRPC_ADDRESS"),
        grpcCert,
        grpcKey,
        address(env.getOrDefault("ADMIN_ADDRESS", "127.0.0.1:9091"), "ADMIN_ADDRESS"),
        env.getOrDefault("DOMAIN", "solo.io"),
        mode,
        redis,
        env.getOrDefault("REDIS_SENTINEL_MASTER", "mymaster"),
        emptyToNull(env.get("REDIS_USERNAME")),
        emptyToNull(env.get("REDIS_PASSWORD")),
        path(ca),
        positive(env.getOrDefault("REDIS_TIMEOUT_MS", "100"), "REDIS_TIMEOUT_MS"),
        positive(env.getOrDefault("REDIS_POOL_SIZE", "16"), "REDIS_POOL_SIZE"),
        positive(env.getOrDefault("REDIS_MAX_IN_FLIGHT", "8"), "REDIS_MAX_IN_FLIGHT"),
        positive(env.getOrDefault("REDIS_BATCH_KEYS", "256"), "REDIS_BATCH_KEYS"),
        failureMode,
        positive(env.getOrDefault("OVER_LIMIT_CACHE_KEYS", "100000"), "OVER_LIMIT_CACHE_KEYS"),
        path(env.get("CONFIG_CACHE_FILE")));
  }

  public boolean redisTls() {
    return redisAddresses.get(0).getScheme().equals("rediss");
  }

  private static URI redisUri(String s) {
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("REDIS_URL: '" + s + "' is not a URL");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
      throw new ConfigException("REDIS_URL: expected redis://host:port or rediss://host:port, found '" + s + "'");
    }
    return uri;
  }

  private static InetSocketAddress address(String hostPort, String key) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": expected host:port, found '" + hostPort + "'");
    }
  }

  private static int positive(String s, String key) {
    try {
      int n = Integer.parseInt(s.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(key + ": expected a positive integer, found '" + s + "'");
  }

  private static RedisMode parseEnum(String s, String key) {
    try {
      return RedisMode.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": expected single, sentinel or cluster, found '" + s + "'");
    }
  }

  private static Path path(String s) {
    return s == null || s.isBlank() ? null : Path.of(s.strip());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
