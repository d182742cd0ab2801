package dev.gloo.ratelimit.server;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The gRPC listener: the rate limit service and {@code grpc.health.v1.Health}. */
public final class GrpcServer implements AutoCloseable {
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

  /** With {@code tlsCert} and {@code tlsKey} (PEM, PKCS#8 key) the listener speaks TLS, else plaintext. */
  public GrpcServer(InetSocketAddress address, Path tlsCert, Path tlsKey, RateLimitService service) {
    // The handler never blocks (matching is in memory, Redis is asynchronous), so it runs on
    // the transport threads instead of paying a hand-off per request.
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
        .directExecutor()
        .addService(service.definition())
        .addService(health.getHealthService());
    if (tlsCert != null) {
      builder.useTransportSecurity(tlsCert.toFile(), tlsKey.toFile());
    }
    server = builder.build();
    setServing(false);
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
  }

  /** NOT_SERVING until the first config arrived, so a load balancer can wait for it. */
  public void setServing(boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    health.setStatus(RateLimitServiceGrpc.SERVICE_NAME, status);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
