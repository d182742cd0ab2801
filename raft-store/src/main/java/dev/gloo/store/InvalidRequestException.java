package dev.gloo.store;

/**
 * The request was refused before it reached the log: an empty or malformed key, a value or
 * transaction over the size limits. {@code field} names what is wrong (e.g. {@code ops[2].value}).
 */
public class InvalidRequestException extends StoreException {
  private final String field;

  public InvalidRequestException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
