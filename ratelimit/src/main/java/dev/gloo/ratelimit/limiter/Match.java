package dev.gloo.ratelimit.limiter;

import dev.gloo.ratelimit.config.Limit;

/**
 * The limit one request descriptor matched. {@code counterKey} names the counter (domain and
 * every entry, values included, so each value of a wildcard key counts on its own);
 * {@code weight} and {@code alwaysApply} come from the top-level descriptor of the branch.
 */
public record Match(Limit limit, boolean shadowMode, long weight, boolean alwaysApply, String counterKey) {}
