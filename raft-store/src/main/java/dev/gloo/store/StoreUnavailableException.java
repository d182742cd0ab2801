package dev.gloo.store;

/**
 * The cluster could not answer in time (no quorum, no leader, node shutting down). For a write
 * the outcome is unknown: it may still be applied.
 */
public class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
