package dev.gloo.glooapi;

/**
 * A failure the user can act on. Its message is printed as the one line of {@code error: ...}
 * output, so it must name what failed and where (the file, the object, the node).
 */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
