package dev.gloo.ratelimit.limiter;

import java.util.Locale;

/** What a request gets while Redis cannot be reached. */
public enum FailureMode {
  /** OK, as Envoy's rate limit filter itself does by default when the service fails. */
  ALLOW,
  /** OVER_LIMIT for every descriptor that has a limit. */
  DENY;

  public static FailureMode parse(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("failure mode must be allow or deny, found '" + s + "'");
    }
  }
}
