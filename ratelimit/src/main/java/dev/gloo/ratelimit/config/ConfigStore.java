package dev.gloo.ratelimit.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the listed RateLimitConfig objects into the snapshot requests read. An object that
 * does not parse is logged and, if an earlier version of it parsed, that version stays in
 * force: a bad edit must not silently lift a limit.
 */
public final class ConfigStore implements ConfigSource {
  private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

  private final AtomicReference<ConfigSnapshot> current = new AtomicReference<>(ConfigSnapshot.EMPTY);
  private final LongAdder rejected = new LongAdder();

  @Override
  public ConfigSnapshot current() {
    return current.get();
  }

  /** Objects keyed {@code namespace/name}, the full set as of {@code revision}. */
  public synchronized void replaceAll(Map<String, JsonNode> objects, long revision) {
    ConfigSnapshot previous = current.get();
    Map<String, RateLimitConfig> next = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : objects.entrySet()) {
      try {
        RateLimitConfig config = ConfigParser.parse(e.getValue());
        next.put(config.id(), config);
      } catch (InvalidConfigException ex) {
        rejected.increment();
        RateLimitConfig kept = previous.get(e.getKey().replace('/', '.'));
        log.error("RateLimitConfig {} rejected at revision {}: {}{}", e.getKey(), revision, ex.getMessage(),
            kept != null ? "; its previous version stays in force" : "; it limits nothing until fixed");
        if (kept != null) {
          next.put(kept.id(), kept);
        }
      }
    }
    current.set(new ConfigSnapshot(next, revision));
    logChanges(previous, next, revision);
  }

  private static void logChanges(ConfigSnapshot previous, Map<String, RateLimitConfig> next, long revision) {
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    next.forEach((id, c) -> {
      RateLimitConfig old = previous.get(id);
      if (old == null) {
        added.add(id);
      } else if (!old.equals(c)) {
        changed.add(id);
      }
    });
    previous.configs().keySet().stream().filter(id -> !next.containsKey(id)).forEach(removed::add);
    if (!added.isEmpty() || !changed.isEmpty() || !removed.isEmpty()) {
      Collections.sort(added);
      Collections.sort(changed);
      Collections.sort(removed);
      log.info("rate limit configs at revision {}: {} in force; added {}, changed {}, removed {}",
          revision, next.size(), added, changed, removed);
    }
  }

  public long rejectedTotal() {
    return rejected.sum();
  }
}
