package dev.gloo.ratelimit.feed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.api.client.ResourceFeed;
import dev.gloo.ratelimit.config.ConfigStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RateLimitConfigs listed and watched from the control nodes into a {@link ConfigStore}. The
 * feed fails over between nodes and keeps the last state while none answers, so the limits in
 * force stay the last good ones (DESIGN invariant 8), also across a restart when a cache file is
 * given.
 */
public final class ControlPlaneConfigs implements AutoCloseable {
  public static final String COLLECTION = "/apis/ratelimit.solo.io/v1alpha1/ratelimitconfigs";

  private static final Logger log = LoggerFactory.getLogger(ControlPlaneConfigs.class);

  private final ConfigStore store = new ConfigStore();
  private final ConfigCacheFile cache;
  private final ResourceFeed feed;

  /**
   * @param cache where the last list received is kept across restarts, or null for nowhere; a
   *     saved list is in force from the start until a control node answers
   */
  public ControlPlaneConfigs(ControlEndpoints endpoints, ConfigCacheFile cache) {
    this.cache = cache;
    if (cache != null) {
      try {
        ConfigCacheFile.Contents saved = cache.load();
        if (saved != null) {
          store.replaceAll(saved.objects(), saved.revision());
          log.info("{} rate limit configs of revision {} from the cache file, until a control node answers",
              saved.objects().size(), saved.revision());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("rate limit config cache unreadable, starting without it: {}", e.toString());
      }
    }
    feed = new ResourceFeed(endpoints, COLLECTION, this::received);
    feed.start();
  }

  private void received(Map<String, JsonNode> objects, long revision) {
    store.replaceAll(objects, revision);
    if (cache != null) {
      try {
        cache.save(objects, revision);
      } catch (IOException e) {
        log.warn("cannot write the rate limit config cache: {}", e.toString());
      }
    }
  }

  public ConfigStore store() {
    return store;
  }

  /** True once the first full list arrived. */
  public boolean synced() {
    return feed.awaitSynced(Duration.ZERO);
  }

  @Override
  public void close() {
    feed.close();
  }
}
