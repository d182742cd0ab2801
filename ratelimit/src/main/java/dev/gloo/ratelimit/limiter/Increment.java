package dev.gloo.ratelimit.limiter;

/** Add {@code hits} to the counter {@code key}; a new counter expires after {@code ttlSeconds}. */
public record Increment(String key, long hits, long ttlSeconds) {}
