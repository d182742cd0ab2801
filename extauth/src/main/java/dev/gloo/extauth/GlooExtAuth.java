package dev.gloo.extauth;

import dev.gloo.extauth.check.AuthorizationService;
import dev.gloo.extauth.config.AuthConfigCompiler;
import dev.gloo.extauth.config.ConfigSource;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gloo-extauth --env-file FILE [--set KEY=VALUE]...}: serves Envoy's ext_authz on the Unix
 * socket (and TCP if configured) with the AuthConfigs followed from the control nodes.
 */
public final class GlooExtAuth {
  private static final Logger log = LoggerFactory.getLogger(GlooExtAuth.class);

  private GlooExtAuth() {}

  public static void main(String[] args) throws Exception {
    ExtAuthSettings settings;
    try {
      settings = ExtAuthSettings.from(ExtAuthSettings.parseArgs(args));
    } catch (IllegalArgumentException e) {
      System.err.println("gloo-extauth: " + e.getMessage());
      System.exit(2);
      return;
    }
    ConfigSource configs = new ConfigSource(settings.control(), new AuthConfigCompiler());
    // Listen at once: until the first sync every request is denied (unknown config id), which
    // is what Envoy should see from an auth service that knows nothing yet.
    ExtAuthServer server = ExtAuthServer.start(settings.socketPath(), settings.socketPermissions(), settings.tcpAddress(),
        new AuthorizationService(configs::current));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      configs.close();
      stopped.countDown();
    }, "shutdown"));
    log.info("gloo-extauth listening on {}{}; control nodes {}", settings.socketPath(),
        settings.tcpAddress().map(a -> " and " + a.getHostString() + ":" + server.tcpPort().orElseThrow()).orElse(""),
        settings.control().servers());
    configs.start();
    while (!configs.awaitSynced(Duration.ofSeconds(30))) {
      log.warn("no control node has answered yet; denying every request until one does");
    }
    server.serving();
    log.info("AuthConfigs loaded at revision {} ({} configs)", configs.current().revision(),
        configs.current().byId().size());
    stopped.await();
  }
}
