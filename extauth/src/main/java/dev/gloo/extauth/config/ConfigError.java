package dev.gloo.extauth.config;

/** An AuthConfig that cannot be enforced; the message names the field and what is wrong. */
public final class ConfigError extends Exception {
  public ConfigError(String message) {
    super(message);
  }
}
