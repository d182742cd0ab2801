package dev.gloo.extauth;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC listeners: the Unix domain socket Envoy uses beside it, and optionally TCP. Both serve
 * the same services plus {@code grpc.health.v1.Health}, NOT_SERVING until {@link #serving()}.
 */
public final class ExtAuthServer implements AutoCloseable {
  /** Envoy sends headers only; 4 MiB leaves room for hostile header sizes to be refused by us. */
  private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final HealthStatusManager health = new HealthStatusManager();
  private final List<Server> servers = new ArrayList<>();
  private final Path socketPath;
  private EventLoopGroup epoll;

  private ExtAuthServer(Path socketPath) {
    this.socketPath = socketPath;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
  }

  /**
   * Binds the socket (replacing a stale socket file a previous run left) and the TCP address.
   */
  public static ExtAuthServer start(Path socketPath, Optional<InetSocketAddress> tcp, BindableService... services)
      throws IOException {
    return start(socketPath, ExtAuthSettings.DEFAULT_SOCKET_PERMISSIONS, tcp, services);
  }

  /**
   * @param socketPermissions the socket file's mode: connecting needs write permission, so Envoy
   *     running as another user of the same group needs group rw
   */
  public static ExtAuthServer start(Path socketPath, Set<PosixFilePermission> socketPermissions,
      Optional<InetSocketAddress> tcp, BindableService... services) throws IOException {
    ExtAuthServer s = new ExtAuthServer(socketPath);
    try {
      s.bindSocket(services);
      Files.setPosixFilePermissions(socketPath, socketPermissions);
      if (tcp.isPresent()) {
        NettyServerBuilder b = NettyServerBuilder.forAddress(tcp.get());
        s.servers.add(s.configure(b, services).build().start());
      }
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void bindSocket(BindableService[] services) throws IOException {
    if (Files.exists(socketPath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes a = Files.readAttributes(socketPath, BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!a.isOther()) {
        throw new IOException(socketPath + " exists and is not a socket");
      }
      Files.delete(socketPath);
    }
    Path parent = socketPath.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    epoll = new EpollEventLoopGroup(1);
    NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(socketPath.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(epoll)
        .workerEventLoopGroup(epoll);
    servers.add(configure(b, services).build().start());
  }

  private NettyServerBuilder configure(NettyServerBuilder b, BindableService[] services) {
    b.maxInboundMessageSize(MAX_MESSAGE_BYTES).maxInboundMetadataSize(64 * 1024);
    for (BindableService s : services) {
      b.addService(s);
    }
    return b.addService(health.getHealthService());
  }

  /** The TCP port bound, when TCP was asked for (useful with port 0). */
  public Optional<Integer> tcpPort() {
    return servers.size() > 1 ? Optional.of(((InetSocketAddress) servers.get(1).getListenSockets().get(0)).getPort())
        : Optional.empty();
  }

  public void serving() {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
  }

  @Override
  public void close() {
    health.enterTerminalState();
    for (Server s : servers) {
      s.shutdown();
    }
    for (Server s : servers) {
      try {
        if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.shutdownNow();
      }
    }
    if (epoll != null) {
      epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    try {
      Files.deleteIfExists(socketPath);
    } catch (IOException e) {
      // a socket file left behind is replaced by the next start
    }
  }
}
