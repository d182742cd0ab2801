package dev.gloo.cluster;

/** The node's configuration is missing or malformed; the message says which setting. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
