package dev.gloo.ratelimit.limiter;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters known to be over their limit until the end of their window, so that a flood on a
 * limited key costs no Redis round trip. Keys carry their window start, so an entry can never
 * outlive the window it speaks of; expired entries are swept when the cache is full and on
 * {@link #sweep}.
 */
public final class OverLimitCache {
  private final ConcurrentHashMap<String, Long> expiresAtSecond = new ConcurrentHashMap<>();
  private final int maxEntries;

  public OverLimitCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  public boolean contains(String key, long nowSecond) {
    Long until = expiresAtSecond.get(key);
    return until != null && nowSecond < until;
  }

  public void add(String key, long untilSecond, long nowSecond) {
    if (expiresAtSecond.size() >= maxEntries) {
      sweep(nowSecond);
      if (expiresAtSecond.size() >= maxEntries) {
        return; // full of live entries: Redis still answers correctly, only slower
      }
    }
    expiresAtSecond.put(key, untilSecond);
  }

  public void sweep(long nowSecond) {
    expiresAtSecond.values().removeIf(until -> until <= nowSecond);
  }

  public int size() {
    return expiresAtSecond.size();
  }
}
