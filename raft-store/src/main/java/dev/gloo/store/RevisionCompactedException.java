package dev.gloo.store;

/** A watch asked for history older than the store keeps (HTTP 410 Gone at the API). */
public class RevisionCompactedException extends StoreException {
  private final long requested;
  private final long compacted;

  public RevisionCompactedException(long requested, long compacted) {
    super("revision " + requested + " is older than the kept history, which starts after "
        + compacted);
    this.requested = requested;
    this.compacted = compacted;
  }

  public long requested() {
    return requested;
  }

  public long compacted() {
    return compacted;
  }
}
