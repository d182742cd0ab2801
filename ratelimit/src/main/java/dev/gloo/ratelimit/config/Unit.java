package dev.gloo.ratelimit.config;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;

/** The window lengths a limit can have; windows are aligned to the epoch, as in Envoy's reference service. */
public enum Unit {
  SECOND(1),
  MINUTE(60),
  HOUR(3_600),
  DAY(86_400);

  private final long seconds;

  Unit(long seconds) {
    this.seconds = seconds;
  }

  public long seconds() {
    return seconds;
  }

  /** The start, in epoch seconds, of the window that contains {@code epochSecond}. */
  public long windowStart(long epochSecond) {
    return epochSecond - Math.floorMod(epochSecond, seconds);
  }

  public RateLimitResponse.RateLimit.Unit toProto() {
    switch (this) {
      case SECOND:
        return RateLimitResponse.RateLimit.Unit.SECOND;
      case MINUTE:
        return RateLimitResponse.RateLimit.Unit.MINUTE;
      case HOUR:
        return RateLimitResponse.RateLimit.Unit.HOUR;
      default:
        return RateLimitResponse.RateLimit.Unit.DAY;
    }
  }
}
