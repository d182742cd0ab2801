package dev.gloo.ratelimit.limiter;

/** A RateLimitRequest that cannot be answered as sent; becomes gRPC INVALID_ARGUMENT. */
public final class InvalidRequestException extends RuntimeException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
