package dev.gloo.extauth.config;

import dev.gloo.extauth.auth.AuthCheck;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of every AuthConfig by its config id ({@code namespace.name}, the
 * {@code config_id} context extension the translator puts on each route).
 *
 * @param revision the store revision of the newer of the two collections it was built from
 */
public record AuthConfigs(Map<String, Entry> byId, long revision) {
  public static final AuthConfigs EMPTY = new AuthConfigs(Map.of(), 0);

  /** One AuthConfig: its check, or why it could not be loaded (then requests are denied). */
  public record Entry(String id, Optional<AuthCheck> check, Optional<String> error) {
    public static Entry loaded(String id, AuthCheck check) {
      return new Entry(id, Optional.of(check), Optional.empty());
    }

    public static Entry failed(String id, String error) {
      return new Entry(id, Optional.empty(), Optional.of(error));
    }
  }

  public AuthConfigs {
    byId = Map.copyOf(byId);
  }

  public Optional<Entry> get(String configId) {
    return Optional.ofNullable(byId.get(configId));
  }

  /** The config id of an AuthConfig: its namespace and name joined by a dot. */
  public static String configId(String namespace, String name) {
    return namespace + "." + name;
  }
}
