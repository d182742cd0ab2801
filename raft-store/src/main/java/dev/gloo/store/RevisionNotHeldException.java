package dev.gloo.store;

/**
 * A read at a past revision that this node can no longer serve: the snapshot a paged range kept
 * for its later pages has expired, or the later page came to another node (HTTP 410 Gone at the
 * API, where the client starts its list again).
 */
public class RevisionNotHeldException extends StoreException {
  private final long requested;

  public RevisionNotHeldException(long requested, long current) {
    super("the state at revision " + requested + " is no longer held on this node (it is at revision "
        + current + ")");
    this.requested = requested;
  }

  public long requested() {
    return requested;
  }
}
