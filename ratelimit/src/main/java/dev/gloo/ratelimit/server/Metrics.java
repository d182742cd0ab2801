package dev.gloo.ratelimit.server;

import dev.gloo.ratelimit.config.ConfigStore;
import dev.gloo.ratelimit.limiter.DecisionCounters;
import dev.gloo.ratelimit.limiter.OverLimitCache;
import dev.gloo.ratelimit.limiter.RedisHealth;

/** Renders the counters in the Prometheus text format. */
final class Metrics {
  private final DecisionCounters decisions;
  private final RedisHealth redis;
  private final ConfigStore configs;
  private final OverLimitCache overLimit;

  Metrics(DecisionCounters decisions, RedisHealth redis, ConfigStore configs, OverLimitCache overLimit) {
    this.decisions = decisions;
    this.redis = redis;
    this.configs = configs;
    this.overLimit = overLimit;
  }

  String render() {
    StringBuilder b = new StringBuilder(1024);
    counter(b, "gloo_ratelimit_decisions_total", "Requests answered, by overall code.", null);
    b.append("gloo_ratelimit_decisions_total{code=\"ok\"} ").append(decisions.ok()).append('\n');
    b.append("gloo_ratelimit_decisions_total{code=\"over_limit\"} ").append(decisions.overLimit()).append('\n');
    counter(b, "gloo_ratelimit_invalid_requests_total", "Requests refused with INVALID_ARGUMENT.", decisions.invalid());
    counter(b, "gloo_ratelimit_shadow_over_limit_total", "Descriptors over their limit in shadow mode (allowed).", decisions.shadowOverLimit());
    counter(b, "gloo_ratelimit_over_limit_cache_hits_total", "Descriptors answered OVER_LIMIT from the local cache.", decisions.overLimitCacheHits());
    counter(b, "gloo_ratelimit_redis_errors_total", "Redis calls that failed or timed out.", redis.errorsTotal());
    counter(b, "gloo_ratelimit_failed_open_total", "Requests allowed because Redis failed.", decisions.failedOpen());
    counter(b, "gloo_ratelimit_failed_closed_total", "Requests denied because Redis failed.", decisions.failedClosed());
    gauge(b, "gloo_ratelimit_redis_up", "1 when the last Redis call succeeded.", redis.isUp() ? 1 : 0);
    gauge(b, "gloo_ratelimit_configs", "RateLimitConfigs in force.", configs.current().configs().size());
    gauge(b, "gloo_ratelimit_config_revision", "Control-plane revision of the configs in force.", configs.current().revision());
    counter(b, "gloo_ratelimit_configs_rejected_total", "RateLimitConfig versions that did not parse.", configs.rejectedTotal());
    gauge(b, "gloo_ratelimit_over_limit_cache_keys", "Counters cached as over their limit.", overLimit.size());
    return b.toString();
  }

  private static void counter(StringBuilder b, String name, String help, Long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    if (value != null) {
      b.append(name).append(' ').append(value).append('\n');
    }
  }

  private static void gauge(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append(name).append(' ').append(value).append('\n');
  }
}
