package dev.gloo.xds;

import dev.gloo.xds.internal.AdsService;
import dev.gloo.xds.internal.GatewayCounters;
import dev.gloo.xds.internal.SnapshotHub;
import dev.gloo.xds.internal.StreamContext;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS server of one node: v3 ADS over gRPC, state of the world and delta, for every
 * Gateway. The node calls {@link #update} with the whole translated state at each revision; each
 * Envoy stream gets its own Gateway's resources (see README.md for the rules).
 */
public final class XdsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);

  private final XdsSettings settings;
  private final SnapshotHub hub = new SnapshotHub();
  private final GatewayCounters counters = new GatewayCounters();
  private final ExecutorService streamExecutor;
  private final StreamContext context;
  private Server server;

  public XdsServer(XdsSettings settings, ReadBarrier barrier) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.streamExecutor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            daemonThreads("xds-" + settings.nodeIdentifier() + "-stream-"));
    this.context =
        new StreamContext(
            hub,
            Objects.requireNonNull(barrier, "barrier"),
            settings.barrierTimeout(),
            ControlPlane.newBuilder().setIdentifier(settings.nodeIdentifier()).build(),
            counters,
            streamExecutor,
            new AtomicLong());
  }

  /** Binds and starts serving; streams wait for the first {@link #update} (see the barrier). */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    ServerCredentials credentials =
        settings.tlsCertFile().isPresent()
            ? TlsServerCredentials.create(
                settings.tlsCertFile().get().toFile(), settings.tlsKeyFile().get().toFile())
            : InsecureServerCredentials.create();
    server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.host(), settings.port()), credentials)
            .addService(new AdsService(context).definition())
            // Stream callbacks only enqueue onto the stream's serial executor and never block,
            // so they run on the transport thread instead of hopping through another pool.
            .directExecutor()
            // Envoy's xDS clusters commonly send HTTP/2 keepalives every 30 s or so.
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build()
            .start();
    LOG.info(
        "xDS server of {} listening on {}:{}{}",
        settings.nodeIdentifier(), settings.host(), port(),
        settings.tlsCertFile().isPresent() ? " (TLS)" : "");
  }

  /** The bound port (useful with port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getPort();
  }

  /**
   * Publishes the whole state at {@code revision}: every Gateway ("namespace/name") and its
   * resources; a Gateway left out has none. Called by one thread; revisions only grow. Streams
   * of Gateways whose content did not change are not woken.
   *
   * <p>The catch-up barrier compares the store revision with the last revision published here,
   * so the node publishes every revision it applies, also those that change no Envoy resource
   * (status writes, unrelated kinds): passing equal (ideally the same) {@code EnvoyResources}
   * again costs an equality check per Gateway and sends nothing.
   *
   * @throws IllegalArgumentException when {@code revision} is older than the last one, or two
   *     resources of one type of one Gateway share a name; nothing is published then
   */
  public void update(long revision, Map<String, EnvoyResources> gateways) {
    hub.publish(revision, Objects.requireNonNull(gateways, "gateways"));
  }

  public XdsStats stats() {
    return counters.snapshot(hub.current().revision());
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    streamExecutor.shutdownNow();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
