package dev.gloo.ratelimit.limiter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Fixed-window counters in Redis through Redisson. All increments of a request go to Redis in
 * one call: a Lua script that runs INCRBY for every key and sets EXPIRE on the keys it has just
 * created. On a Redis Cluster the keys of one request may live on different nodes, so there the
 * script runs once per key inside one Redisson batch, which Redisson sends as one pipeline per
 * node.
 */
public final class RedisCounterStore implements CounterStore {
  /** KEYS[i] gets ARGV[2i-1] hits; a key whose value equals its hits was just created. */
  static final String SCRIPT = String.join("\n",
      "local out = {}",
      "for i = 1, #KEYS do",
      "  local hits = tonumber(ARGV[2 * i - 1])",
      "  local v = redis.call('INCRBY', KEYS[i], hits)",
      "  if v == hits then redis.call('EXPIRE', KEYS[i], ARGV[2 * i]) end",
      "  out[i] = v",
      "end",
      "return out");

  private final Supplier<RedissonClient> redisson;
  private final boolean cluster;
  private final long timeoutMillis;
  private final Runnable close;

  /**
   * @param redisson supplies the client, or null while none is connected yet
   * @param timeoutMillis the most a call may take end to end, whatever Redisson's own timeouts,
   *     so that no request waits on a Redis that stopped answering
   * @param close releases the client
   */
  public RedisCounterStore(Supplier<RedissonClient> redisson, boolean cluster, long timeoutMillis, Runnable close) {
    this.redisson = redisson;
    this.cluster = cluster;
    this.timeoutMillis = timeoutMillis;
    this.close = close;
  }

  @Override
  public CompletableFuture<long[]> incrementAll(List<Increment> increments) {
    RedissonClient client = redisson.get();
    if (client == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis yet"));
    }
    CompletableFuture<long[]> result = cluster && increments.size() > 1
        ? perKeyBatch(client, increments) : oneScript(client, increments);
    return result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static CompletableFuture<long[]> oneScript(RedissonClient redisson, List<Increment> increments) {
    List<Object> keys = new ArrayList<>(increments.size());
    Object[] args = new Object[increments.size() * 2];
    for (int i = 0; i < increments.size(); i++) {
      Increment inc = increments.get(i);
      keys.add(inc.key());
      args[2 * i] = Long.toString(inc.hits());
      args[2 * i + 1] = Long.toString(inc.ttlSeconds());
    }
    RScript script = redisson.getScript(StringCodec.INSTANCE);
    return script.<List<Object>>evalAsync(increments.get(0).key(), RScript.Mode.READ_WRITE, SCRIPT,
            RScript.ReturnType.LIST, keys, args)
        .toCompletableFuture()
        .thenApply(RedisCounterStore::toLongs);
  }

  private static CompletableFuture<long[]> perKeyBatch(RedissonClient redisson, List<Increment> increments) {
    RBatch batch = redisson.createBatch(BatchOptions.defaults());
    for (Increment inc : increments) {
      batch.getScript(StringCodec.INSTANCE).evalAsync(inc.key(), RScript.Mode.READ_WRITE, SCRIPT,
          RScript.ReturnType.LIST, List.of(inc.key()), Long.toString(inc.hits()), Long.toString(inc.ttlSeconds()));
    }
    return batch.executeAsync().toCompletableFuture().thenApply(RedisCounterStore::batchToLongs);
  }

  private static long[] toLongs(List<Object> values) {
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).longValue();
    }
    return out;
  }

  private static long[] batchToLongs(BatchResult<?> result) {
    List<?> responses = result.getResponses();
    long[] out = new long[responses.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) ((List<?>) responses.get(i)).get(0)).longValue();
    }
    return out;
  }

  @Override
  public void close() {
    close.run();
  }
}
