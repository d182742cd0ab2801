package dev.gloo.store;

/**
 * The node's data directory cannot be used: it belongs to another cluster, or it is corrupt.
 * The node refuses to start rather than risk silent data loss.
 */
public class DataDirException extends StoreException {
  public DataDirException(String message) {
    super(message);
  }

  public DataDirException(String message, Throwable cause) {
    super(message, cause);
  }
}
