package dev.gloo.ratelimit.feed;

import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.api.client.ResourceFeed;
import dev.gloo.ratelimit.config.ConfigStore;
import java.time.Duration;

/**
 * RateLimitConfigs listed and watched from the control nodes into a {@link ConfigStore}. The
 * feed fails over between nodes and keeps the last state while none answers, so the limits in
 * force stay the last good ones (DESIGN invariant 8).
 */
public final class ControlPlaneConfigs implements AutoCloseable {
  public static final String COLLECTION = "/apis/ratelimit.solo.io/v1alpha1/ratelimitconfigs";

  private final ConfigStore store = new ConfigStore();
  private final ResourceFeed feed;

  public ControlPlaneConfigs(ControlEndpoints endpoints) {
    feed = new ResourceFeed(endpoints, COLLECTION, store::replaceAll);
    feed.start();
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
