package dev.gloo.extauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.api.client.ResourceFeed;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AuthConfigs in force: AuthConfigs and Secrets followed from the control nodes, compiled
 * into an {@link AuthConfigs} snapshot that requests read without locking.
 *
 * <p>The snapshot only ever moves forward from compiled inputs: while no node answers, the
 * feeds deliver nothing and the last snapshot keeps serving. Nothing is compiled until both
 * collections were listed once, so API-key configs never load against a half-known set of
 * Secrets.
 */
public final class ConfigSource implements AutoCloseable {
  public static final String AUTH_CONFIGS = "/apis/enterprise.gloo.solo.io/v1/authconfigs";
  public static final String SECRETS = "/api/v1/secrets";
  private static final Logger log = LoggerFactory.getLogger(ConfigSource.class);

  private final AuthConfigCompiler compiler;
  private final ResourceFeed authConfigFeed;
  private final ResourceFeed secretFeed;
  private final AtomicReference<AuthConfigs> current = new AtomicReference<>(AuthConfigs.EMPTY);

  // Guarded by this: the latest input of each feed, and what was compiled from it.
  private Map<String, JsonNode> authConfigs;
  private long authConfigRevision;
  private Map<String, JsonNode> secrets;
  private long secretRevision;
  private final Map<String, Compiled> compiled = new HashMap<>();

  /** An AuthConfig's spec and the Secrets it was compiled against, to skip needless recompiles. */
  private record Compiled(JsonNode spec, Map<String, JsonNode> secrets, AuthConfigs.Entry entry) {}

  public ConfigSource(ControlEndpoints endpoints, AuthConfigCompiler compiler) {
    this.compiler = compiler;
    this.authConfigFeed = new ResourceFeed(endpoints, AUTH_CONFIGS, this::onAuthConfigs);
    this.secretFeed = new ResourceFeed(endpoints, SECRETS, this::onSecrets);
  }

  public void start() {
    secretFeed.start();
    authConfigFeed.start();
  }

  /** True once both AuthConfigs and Secrets were listed and compiled. */
  public boolean awaitSynced(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return secretFeed.awaitSynced(timeout)
        && authConfigFeed.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  public AuthConfigs current() {
    return current.get();
  }

  synchronized void onAuthConfigs(Map<String, JsonNode> objects, long revision) {
    authConfigs = objects;
    authConfigRevision = revision;
    rebuild();
  }

  synchronized void onSecrets(Map<String, JsonNode> objects, long revision) {
    secrets = objects;
    secretRevision = revision;
    rebuild();
  }

  private void rebuild() {
    if (authConfigs == null || secrets == null) {
      return;
    }
    Map<String, AuthConfigs.Entry> byId = new HashMap<>();
    Map<String, Compiled> next = new HashMap<>();
    for (JsonNode ac : authConfigs.values()) {
      String id = AuthConfigs.configId(ac.path("metadata").path("namespace").asText(),
          ac.path("metadata").path("name").asText());
      Compiled previous = compiled.get(id);
      Compiled c;
      // A config that reads no Secrets is unaffected by Secret changes: keep it, with its caches.
      if (previous != null && previous.spec().equals(ac.path("spec"))
          && (previous.secrets() == secrets || !usesSecrets(ac))) {
        c = previous;
      } else {
        c = new Compiled(ac.path("spec"), secrets, compile(id, ac));
      }
      next.put(id, c);
      byId.put(id, c.entry());
    }
    compiled.clear();
    compiled.putAll(next);
    long revision = Math.max(authConfigRevision, secretRevision);
    current.set(new AuthConfigs(byId, revision));
    log.debug("{} AuthConfigs in force at revision {}", byId.size(), revision);
  }

  private AuthConfigs.Entry compile(String id, JsonNode ac) {
    AuthConfigs.Entry previous = compiled.containsKey(id) ? compiled.get(id).entry() : null;
    AuthConfigs.Entry entry;
    try {
      entry = AuthConfigs.Entry.loaded(id, compiler.compile(ac, secrets));
    } catch (ConfigError e) {
      entry = AuthConfigs.Entry.failed(id, e.getMessage());
    } catch (RuntimeException e) {
      log.error("AuthConfig {}: compiling failed", id, e);
      entry = AuthConfigs.Entry.failed(id, "internal error while loading: " + e);
    }
    if (entry.error().isPresent() && (previous == null || !Objects.equals(previous.error(), entry.error()))) {
      log.warn("AuthConfig {} failed to load, its routes deny every request: {}", id, entry.error().get());
    } else if (entry.error().isEmpty() && (previous == null || previous.error().isPresent())) {
      log.info("AuthConfig {} loaded", id);
    }
    return entry;
  }

  private static boolean usesSecrets(JsonNode ac) {
    for (JsonNode c : ac.path("spec").path("configs")) {
      if (c.has("apiKeyAuth")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    authConfigFeed.close();
    secretFeed.close();
  }
}
