package dev.gloo.ratelimit.config;

/** A RateLimitConfig the service cannot enforce as written; the message names the field. */
public final class InvalidConfigException extends RuntimeException {
  public InvalidConfigException(String message) {
    super(message);
  }
}
