package dev.gloo.extauth.check;

import dev.gloo.extauth.auth.Decision;
import dev.gloo.extauth.config.AuthConfigs;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code envoy.service.auth.v3.Authorization/Check}: finds the route's AuthConfig by
 * its {@code config_id} context extension and runs it.
 *
 * <p>Fails closed: a request without a config id, with an unknown one, for a config that failed
 * to load, or that hits an internal error is denied with 403, and the cause is logged (at most
 * once per cause every {@link #LOG_INTERVAL_NANOS}, so a flood does not flood the log).
 * Ordinary denials (wrong password) are logged at debug only; credentials never are.
 */
public final class AuthorizationService extends AuthorizationGrpc.AuthorizationImplBase {
  static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
  private static final int MAX_LOG_KEYS = 1000;
  private static final Logger log = LoggerFactory.getLogger(AuthorizationService.class);

  private final Supplier<AuthConfigs> configs;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  public AuthorizationService(Supplier<AuthConfigs> configs) {
    this.configs = configs;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> response) {
    response.onNext(EnvoyMessages.response(decide(request)));
    response.onCompleted();
  }

  /** Never throws: anything unexpected becomes a logged 403. */
  public Decision decide(CheckRequest request) {
    String id = request.getAttributes().getContextExtensionsMap().getOrDefault(EnvoyMessages.CONFIG_ID, "");
    try {
      if (id.isEmpty()) {
        return failClosed("", "no " + EnvoyMessages.CONFIG_ID + " context extension on the route", null);
      }
      Optional<AuthConfigs.Entry> entry = configs.get().get(id);
      if (entry.isEmpty()) {
        return failClosed(id, "unknown config id " + id, null);
      }
      if (entry.get().error().isPresent()) {
        return failClosed(id, "config " + id + " failed to load: " + entry.get().error().get(), null);
      }
      Decision d = entry.get().check().orElseThrow().check(EnvoyMessages.request(request));
      if (!d.allowed() && log.isDebugEnabled()) {
        log.debug("config {}: {} {} denied {}: {}", id, request.getAttributes().getRequest().getHttp().getMethod(),
            request.getAttributes().getRequest().getHttp().getPath(), d.status(), d.reason());
      }
      return d;
    } catch (RuntimeException | StackOverflowError e) {
      return failClosed(id, "internal error checking config " + id + ": " + e, e);
    }
  }

  private Decision failClosed(String id, String cause, Throwable error) {
    long now = System.nanoTime();
    String key = id + "\n" + cause;
    Long last = lastLogged.get(key);
    if (last == null || now - last > LOG_INTERVAL_NANOS) {
      if (lastLogged.size() > MAX_LOG_KEYS) {
        lastLogged.clear();
      }
      lastLogged.put(key, now);
      if (error != null) {
        log.error("denied (fail closed): {}", cause, error);
      } else {
        log.warn("denied (fail closed): {}", cause);
      }
    }
    return Decision.forbidden(cause);
  }
}
