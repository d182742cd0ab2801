package dev.gloo.ratelimit.config;

import java.util.Map;

/** The RateLimitConfigs in force, by {@link RateLimitConfig#id()}, as of a control-plane revision. */
public record ConfigSnapshot(Map<String, RateLimitConfig> configs, long revision) {
  public static final ConfigSnapshot EMPTY = new ConfigSnapshot(Map.of(), 0);

  public ConfigSnapshot {
    configs = Map.copyOf(configs);
  }

  public RateLimitConfig get(String id) {
    return configs.get(id);
  }
}
