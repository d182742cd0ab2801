package dev.gloo.ratelimit.server;

import dev.gloo.cluster.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManagerFactory;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;

/** Builds the Redisson client the settings describe: single server, Sentinel or Cluster. */
public final class RedisClients {
  private RedisClients() {}

  public static RedissonClient create(Settings s) {
    Config config = new Config();
    config.setUsername(s.redisUsername());
    config.setPassword(s.redisPassword());
    // Redisson's script cache sends EVALSHA and falls back to EVAL after NOSCRIPT, which a
    // restarted Redis answers until the script is loaded again.
    config.setUseScriptCache(true);
    // Redisson's defaults (32 I/O and 16 callback threads) are sized for large hosts; a handful
    // of in-flight calls needs no more I/O threads than cores.
    int cores = Runtime.getRuntime().availableProcessors();
    config.setNettyThreads(Math.max(2, cores));
    config.setThreads(2);
    switch (s.redisMode()) {
      case SENTINEL:
        tune(config.useSentinelServers()
            .setMasterName(s.redisSentinelMaster())
            .addSentinelAddress(addresses(s))
            .setMasterConnectionPoolSize(s.redisPoolSize())
            .setMasterConnectionMinimumIdleSize(Math.min(8, s.redisPoolSize()))
            .setCheckSentinelsList(false), s);
        break;
      case CLUSTER:
        tune(config.useClusterServers()
            .addNodeAddress(addresses(s))
            .setMasterConnectionPoolSize(s.redisPoolSize())
            .setMasterConnectionMinimumIdleSize(Math.min(8, s.redisPoolSize())), s);
        break;
      default:
        tune(config.useSingleServer()
            .setAddress(s.redisAddresses().get(0).toString())
            .setConnectionPoolSize(s.redisPoolSize())
            .setConnectionMinimumIdleSize(Math.min(8, s.redisPoolSize())), s);
    }
    return Redisson.create(config);
  }

  /**
   * No retries: a rate-limit answer that comes late is worth nothing to Envoy, whose own timeout
   * is short. Requests are bounded by REDIS_TIMEOUT_MS outside Redisson; Redisson's own timeout
   * is longer so that connecting (AUTH) on a busy machine does not fail for a slow first reply.
   */
  private static void tune(BaseConfig<?> c, Settings s) {
    c.setTimeout(Math.max(s.redisTimeoutMillis(), 2000))
        .setConnectTimeout(Math.max(s.redisTimeoutMillis(), 2000))
        .setRetryAttempts(0)
        .setPingConnectionInterval(1000);
    if (s.redisTlsCaFile() != null) {
      c.setSslTrustManagerFactory(trustManagers(s));
    }
  }

  private static String[] addresses(Settings s) {
    return s.redisAddresses().stream().map(URI::toString).toArray(String[]::new);
  }

  private static TrustManagerFactory trustManagers(Settings s) {
    try (InputStream in = Files.newInputStream(s.redisTlsCaFile())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, cert);
      }
      if (n == 0) {
        throw new ConfigException("REDIS_TLS_CA_FILE: no certificate in " + s.redisTlsCaFile());
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("REDIS_TLS_CA_FILE: cannot read " + s.redisTlsCaFile() + ": " + e.getMessage());
    }
  }
}
