package dev.gloo.ratelimit.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Redisson client in the background and retries until Redis answers: the service
 * must start, and answer by its failure mode, while Redis is down. Once created, Redisson
 * reconnects by itself.
 */
final class RedisConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

  private final Settings settings;
  private final AtomicReference<RedissonClient> client = new AtomicReference<>();
  private final CountDownLatch connected = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closed;

  RedisConnector(Settings settings) {
    this.settings = settings;
    this.thread = new Thread(this::connect, "redis-connect");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The client, or null until the first connection succeeded. */
  RedissonClient client() {
    return client.get();
  }

  /** True once connected (within {@code timeout}). */
  boolean awaitConnected(Duration timeout) throws InterruptedException {
    return connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void connect() {
    long backoffMillis = 100;
    boolean logged = false;
    while (!closed) {
      try {
        client.set(RedisClients.create(settings));
        connected.countDown();
        log.info("connected to Redis {} {}", settings.redisMode(), settings.redisAddresses());
        if (closed) {
          client.get().shutdown();
        }
        return;
      } catch (RuntimeException e) {
        if (!logged) {
          log.warn("cannot connect to Redis {} yet ({}); retrying, requests are answered by the failure mode meanwhile",
              settings.redisAddresses(), e.getMessage());
          logged = true;
        }
      }
      try {
        Thread.sleep(backoffMillis);
      } catch (InterruptedException e) {
        return;
      }
      backoffMillis = Math.min(backoffMillis * 2, 5000);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    RedissonClient c = client.get();
    if (c != null) {
      c.shutdown();
    }
  }
}
