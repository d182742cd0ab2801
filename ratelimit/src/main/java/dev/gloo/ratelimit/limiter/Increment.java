package dev.gloo.ratelimit.limiter;

/** Add {@code hits} to the counter {@code key}; a counter this creates expires after {@code ttlSeconds}. */
public record Increment(String key, long hits, long ttlSeconds) {}
