package dev.gloo.store;

/** A value or a whole transaction is over the store's size limit. */
public class TooLargeException extends InvalidRequestException {
  private final long size;
  private final long limit;

  public TooLargeException(String field, long size, long limit) {
    super(field, size + " bytes is over the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public long size() {
    return size;
  }

  public long limit() {
    return limit;
  }
}
