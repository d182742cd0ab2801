package dev.gloo.ratelimit.config;

/**
 * A limit of {@code requestsPerUnit} per fixed window of one {@code unit}, or, when
 * {@code unlimited}, an explicit "no limit" that still ends the descriptor match (as
 * {@code unlimited: true} does in Envoy's reference service).
 */
public record Limit(long requestsPerUnit, Unit unit, boolean unlimited) {
  public static final long MAX_REQUESTS_PER_UNIT = 0xFFFF_FFFFL; // uint32 in the API

  public Limit {
    if (!unlimited && unit == null) {
      throw new IllegalArgumentException("a limited Limit needs a unit");
    }
    if (requestsPerUnit < 0 || requestsPerUnit > MAX_REQUESTS_PER_UNIT) {
      throw new IllegalArgumentException("requestsPerUnit out of range: " + requestsPerUnit);
    }
  }

  public static Limit of(long requestsPerUnit, Unit unit) {
    return new Limit(requestsPerUnit, unit, false);
  }

  public static Limit none() {
    return new Limit(0, null, true);
  }
}
