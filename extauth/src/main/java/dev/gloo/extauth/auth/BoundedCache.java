package dev.gloo.extauth.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A set of recently seen keys with a fixed capacity, least recently used first out. Bounded so
 * that no stream of distinct inputs can grow memory.
 */
final class BoundedCache {
  private final Map<String, Boolean> entries;

  BoundedCache(int capacity) {
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized boolean contains(String key) {
    return entries.get(key) != null;
  }

  synchronized void add(String key) {
    entries.put(key, Boolean.TRUE);
  }

  synchronized int size() {
    return entries.size();
  }
}
