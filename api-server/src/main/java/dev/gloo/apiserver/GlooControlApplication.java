package dev.gloo.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.apiserver.controller.Controller;
import dev.gloo.apiserver.controller.ControllerSettings;
import dev.gloo.apiserver.controller.StatusWriter;
import dev.gloo.apiserver.ops.ClusterJoin;
import dev.gloo.apiserver.ops.Operations;
import dev.gloo.apiserver.http.KubeApiServlet;
import dev.gloo.apiserver.http.StatusErrorHandler;
import dev.gloo.apiserver.objects.ObjectService;
import dev.gloo.cluster.NodeSettings;
import dev.gloo.store.StoreException;
import dev.gloo.store.raft.RaftStoreNode;
import dev.gloo.translator.GatewayResources;
import dev.gloo.translator.TranslationResult;
import dev.gloo.translator.Translator;
import dev.gloo.translator.TranslatorSettings;
import dev.gloo.xds.EnvoyResources;
import dev.gloo.xds.XdsServer;
import dev.gloo.xds.XdsSettings;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gloo-control} node as a Dropwizard application: it opens the replicated store,
 * serves the Kubernetes-style API over HTTPS on the application port, and health, readiness,
 * status and metrics on the admin port. Jetty, lifecycle, logging and metrics are Dropwizard's;
 * the API itself is one servlet.
 */
public final class GlooControlApplication extends Application<Configuration> {
  private static final Logger LOG = LoggerFactory.getLogger(GlooControlApplication.class);

  private final NodeSettings node;
  private final ApiSettings api;
  private final ControllerSettings controllerSettings;
  private final Optional<ClusterJoin> join;
  private final Path keystore;
  private final Optional<Path> clientTrustStore;
  private final Optional<String> token;
  private final String joinToken;
  private final Optional<dev.gloo.cluster.PeerTls.Signer> peerSigner;

  public GlooControlApplication(NodeSettings node, ApiSettings api, ControllerSettings controllerSettings,
      Optional<ClusterJoin> join, Path keystore, Optional<Path> clientTrustStore, Optional<String> token,
      String joinToken, Optional<dev.gloo.cluster.PeerTls.Signer> peerSigner) {
    this.node = node;
    this.api = api;
    this.controllerSettings = controllerSettings;
    this.join = join;
    this.keystore = keystore;
    this.clientTrustStore = clientTrustStore;
    this.token = token;
    this.joinToken = joinToken;
    this.peerSigner = peerSigner;
  }

  @Override
  public String getName() {
    return "gloo-control";
  }

  @Override
  public void initialize(Bootstrap<Configuration> bootstrap) {
    byte[] config = dropwizardConfig().getBytes(StandardCharsets.UTF_8);
    bootstrap.setConfigurationSourceProvider(path -> new ByteArrayInputStream(config));
  }

  /** Ports and connectors come from the env file; Dropwizard gets them as its YAML. */
  String dropwizardConfig() {
    return String.join("\n",
        "server:",
        "  type: default",
        "  registerDefaultExceptionMappers: false",
        // Gzip would hold watch events in its deflater until the buffer fills.
        "  gzip:",
        "    enabled: false",
        "  applicationConnectors:",
        "    - type: https",
        "      bindHost: \"" + api.address().host() + "\"",
        "      port: " + api.address().port(),
        "      keyStorePath: \"" + keystore + "\"",
        "      keyStorePassword: \"" + new String(ServerTls.KEYSTORE_PASSWORD) + "\"",
        "      keyStoreType: PKCS12",
        "      validateCerts: false",
        "      validatePeers: false",
        clientAuthConfig(),
        "  adminConnectors:",
        "    - type: http",
        "      bindHost: \"" + node.adminAddress().host() + "\"",
        "      port: " + node.adminAddress().port(),
        "  requestLog:",
        "    appenders: []",
        "logging:",
        "  level: WARN",
        "  loggers:",
        "    dev.gloo: INFO",
        "    io.dropwizard.core.server: INFO",
        // elections: who timed out, who voted, who skipped (a few lines per election)
        "    org.apache.ratis.server.impl.FollowerState: INFO",
        "    org.apache.ratis.server.impl.LeaderElection: INFO",
        "  appenders:",
        "    - type: console",
        "      target: stdout",
        "");
  }

  /** With a client CA, clients may present a certificate it signed instead of a token. */
  private String clientAuthConfig() {
    if (clientTrustStore.isEmpty()) {
      return "      wantClientAuth: false";
    }
    return String.join("\n",
        "      wantClientAuth: true",
        "      trustStorePath: \"" + clientTrustStore.get() + "\"",
        "      trustStorePassword: \"" + new String(ServerTls.KEYSTORE_PASSWORD) + "\"",
        "      trustStoreType: PKCS12");
  }

  @Override
  public void run(Configuration configuration, Environment environment) {
    RaftStoreNode store = RaftStoreNode.start(node.store());
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() {
        store.close();
      }
    });
    ObjectMapper json = new ObjectMapper().registerModule(new Jdk8Module());
    CrdCatalog catalog = CrdCatalog.builtIn();
    ObjectService objects = new ObjectService(store, catalog, json, Clock.systemUTC());

    environment.jersey().disable();
    environment.getApplicationContext().setErrorHandler(new StatusErrorHandler());
    environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new StatusErrorHandler()));
    XdsServer xds = startXds(store, environment);
    AtomicReference<Controller> controllerRef = new AtomicReference<>();
    Operations operations = new Operations(store, xds, controllerSettings.xdsAddress(),
        () -> controllerRef.get() == null ? null : controllerRef.get().latest(), json, peerSigner);
    environment.servlets().addServlet("kube-api",
        new KubeApiServlet(objects, store, json, Clock.systemUTC(), api.allowAnonymous() ? Optional.empty() : token, Optional.of(joinToken),
            node.store().nodeId(), api.bookmarkInterval(), operations)).addMapping("/*");

    ObjectMapper pretty = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    environment.admin().addServlet("healthz", text(() -> "ok")).addMapping("/healthz");
    environment.admin().addServlet("readyz", text(() -> {
      store.revision(); // a linearizable read: a leader is known and this node has caught up
      return "ok";
    })).addMapping("/readyz");
    environment.admin().addServlet("status", text(() -> {
      try {
        ObjectNode out = pretty.createObjectNode();
        out.set("store", pretty.valueToTree(store.status()));
        out.set("xds", pretty.valueToTree(xds.stats()));
        return pretty.writeValueAsString(out);
      } catch (IOException e) {
        throw new StoreException("cannot render status: " + e.getMessage());
      }
    })).addMapping("/status");
    environment.healthChecks().register("store", new com.codahale.metrics.health.HealthCheck() {
      @Override
      protected Result check() {
        store.revision();
        return Result.healthy("revision " + store.local().revision());
      }
    });

    TranslatorSettings translatorSettings = new TranslatorSettings(TranslatorSettings.CONTROLLER_NAME,
        controllerSettings.localExtAuth() ? Optional.of("gloo-system/extauth") : Optional.empty(),
        controllerSettings.localRateLimiter() ? Optional.of("gloo-system/rate-limit") : Optional.empty());
    StatusWriter statusWriter = new StatusWriter(objects, catalog, store::isLeader, Clock.systemUTC(),
        TranslatorSettings.CONTROLLER_NAME);
    Controller controller = new Controller(store, new Translator(translatorSettings), json,
        publisher(xds, statusWriter, controllerRef));
    controllerRef.set(controller);
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() {
        controller.close();
        xds.close();
      }
    });

    Thread bootstrapThread = new Thread(() -> {
      join.ifPresent(j -> j.run(store, node.store().raftAddress()));
      bootstrapObjects(store, objects, catalog, controllerSettings);
      controller.start();
    }, "bootstrap-objects");
    bootstrapThread.setDaemon(true);
    bootstrapThread.start();
  }

  /**
   * The objects every cluster has: namespaces {@code default} and {@code gloo-system}, and the
   * GatewayClass {@code gloo-gateway}. Every node tries (create-if-absent), so whichever comes
   * up first creates them and the rest find them.
   */
  static void bootstrapObjects(RaftStoreNode store, ObjectService objects, CrdCatalog catalog,
      ControllerSettings settings) {
    try {
      store.awaitReady(Duration.ofMinutes(5));
      ResourceType ns = catalog.byResource("", "v1", "namespaces").orElseThrow();
      for (String name : new String[] {"default", "gloo-system"}) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.putObject("metadata").put("name", name);
        o.putObject("status").put("phase", "Active");
        objects.ensureExists(ns, null, o);
      }
      ResourceType gc = catalog.byResource("gateway.networking.k8s.io", "v1", "gatewayclasses").orElseThrow();
      ObjectNode cls = new ObjectMapper().createObjectNode();
      cls.putObject("metadata").put("name", "gloo-gateway");
      cls.putObject("spec").put("controllerName", "solo.io/gloo-gateway")
          .put("description", "Gloo Gateway on VMs, replicated by gloo-control");
      objects.ensureExists(gc, null, cls);
      ResourceType upstream = catalog.byResource("gloo.solo.io", "v1", "upstreams").orElseThrow();
      if (settings.localExtAuth()) {
        ObjectNode u = new ObjectMapper().createObjectNode();
        u.putObject("metadata").put("name", "extauth").put("namespace", "gloo-system");
        u.putObject("spec").put("useHttp2", true).putObject("pipe").put("path", settings.extAuthSocket());
        objects.ensureExists(upstream, "gloo-system", u);
      }
      if (settings.localRateLimiter()) {
        ObjectNode u = new ObjectMapper().createObjectNode();
        u.putObject("metadata").put("name", "rate-limit").put("namespace", "gloo-system");
        ObjectNode host = u.putObject("spec").put("useHttp2", true).putObject("static").putArray("hosts").addObject();
        host.put("addr", settings.rateLimiterAddress().host()).put("port", settings.rateLimiterAddress().port());
        objects.ensureExists(upstream, "gloo-system", u);
      }
      LOG.info("bootstrap objects present");
    } catch (RuntimeException e) {
      LOG.warn("creating the bootstrap objects failed; a later restart retries: {}", e.toString());
    }
  }

  /**
   * Serves ADS. A new stream waits for a linearizable read of the store revision (this node has
   * caught up with the cluster) and for the controller to have published that far.
   */
  private XdsServer startXds(RaftStoreNode store, Environment environment) {
    ExecutorService barrier = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "xds-barrier");
      t.setDaemon(true);
      return t;
    });
    XdsSettings settings = XdsSettings.plaintext(controllerSettings.xdsAddress().host(),
        controllerSettings.xdsAddress().port(), node.store().nodeId());
    if (controllerSettings.xdsCertFile().isPresent()) {
      settings = settings.withTls(controllerSettings.xdsCertFile().get(), controllerSettings.xdsKeyFile().get());
    }
    XdsServer xds = new XdsServer(settings, () -> CompletableFuture.supplyAsync(store::revision, barrier));
    try {
      xds.start();
    } catch (IOException e) {
      throw new StoreException("cannot serve xDS on " + controllerSettings.xdsAddress().host() + ":"
          + controllerSettings.xdsAddress().port() + ": " + e.getMessage());
    }
    LOG.info("xDS (ADS) on {}:{}", controllerSettings.xdsAddress().host(), xds.port());
    return xds;
  }

  /**
   * Where translations go: every node hands them to its xDS server at once; the status writer
   * (leader only) runs on its own thread and always takes the newest translation, skipping
   * any that arrived while it was busy.
   */
  private static java.util.function.Consumer<TranslationResult> publisher(XdsServer xds, StatusWriter writer,
      AtomicReference<Controller> controller) {
    ExecutorService statusThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "status-writer");
      t.setDaemon(true);
      return t;
    });
    AtomicReference<TranslationResult> pending = new AtomicReference<>();
    return result -> {
      Map<String, EnvoyResources> gateways = new TreeMap<>();
      result.gateways().forEach((name, r) -> gateways.put(name.toString(), envoy(r)));
      xds.update(result.revision(), gateways);
      if (pending.getAndSet(result) == null) {
        statusThread.execute(() -> {
          TranslationResult latest = pending.getAndSet(null);
          if (latest != null) {
            writer.write(latest, controller.get()::stored);
          }
        });
      }
    };
  }

  private static EnvoyResources envoy(GatewayResources r) {
    return new EnvoyResources(r.listeners(), r.routes(), r.clusters(), r.endpoints(), r.secrets());
  }

  private interface Body {
    String get();
  }

  private static HttpServlet text(Body body) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String out;
        int code = 200;
        try {
          out = body.get();
        } catch (StoreException e) {
          out = "not ready: " + e.getMessage();
          code = 503;
        }
        resp.setStatus(code);
        resp.setContentType(out.startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
        resp.getOutputStream().write((out + "\n").getBytes(StandardCharsets.UTF_8));
      }
    };
  }
}
