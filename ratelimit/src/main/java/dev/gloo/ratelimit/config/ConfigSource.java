package dev.gloo.ratelimit.config;

/** The current set of RateLimitConfigs; read once per request, so it must be cheap. */
@FunctionalInterface
public interface ConfigSource {
  ConfigSnapshot current();
}
