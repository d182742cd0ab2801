package dev.gloo.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.gloo.xds.check.ResourceValidator;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's own xDS client (a real third-party consumer of ADS) resolves
 * {@code xds:///greeter} through this server: LDS with an API listener, RDS, CDS and EDS
 * pointing at a gRPC backend in this JVM. The call goes through and the client NACKs nothing.
 */
class GrpcXdsClientTest {

  static final String GW = "default/grpc";

  static Server backend;
  static XdsServer xds;

  static EnvoyResources grpcGateway(int backendPort) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("greeter")
        .setRds(Rds.newBuilder().setRouteConfigName("greeter-routes").setConfigSource(Fixtures.ads()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder()
        .setName("greeter")
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName("greeter-routes")
        .addVirtualHosts(VirtualHost.newBuilder().setName("greeter").addDomains("greeter")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix(""))
                .setRoute(RouteAction.newBuilder().setCluster("greeter-backend"))))
        .build();
    ClusterLoadAssignment endpoints = ClusterLoadAssignment.newBuilder()
        .setClusterName("greeter-backend")
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.newBuilder().setRegion("loopback"))
            .setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
                Address.newBuilder().setSocketAddress(
                    SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(backendPort))))))
        .build();
    return new EnvoyResources(List.of(listener), List.of(routes),
        List.of(Fixtures.edsCluster("greeter-backend")), List.of(endpoints), List.of());
  }

  @BeforeAll
  static void start() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    backend = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(health.getHealthService()).build().start();
    xds = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), new TestBarrier(1));
    xds.start();
    EnvoyResources resources = grpcGateway(backend.getPort());
    assertEquals(List.of(), ResourceValidator.validate(resources));
    xds.update(1, Map.of(GW, resources));
    System.setProperty("io.grpc.xds.bootstrapConfig", "{"
        + "\"xds_servers\":[{\"server_uri\":\"127.0.0.1:" + xds.port() + "\","
        + "\"channel_creds\":[{\"type\":\"insecure\"}],\"server_features\":[\"xds_v3\"]}],"
        + "\"node\":{\"id\":\"grpc-client-1\",\"cluster\":\"" + GW + "\"}}");
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("io.grpc.xds.bootstrapConfig");
    xds.close();
    backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void grpcXdsResolvesTheListenerCallsTheBackendAndAcksEverything() throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder("xds:///greeter", InsecureChannelCredentials.create()).build();
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .withWaitForReady()
          .check(HealthCheckRequest.getDefaultInstance());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus());
      XdsStats.GatewayStats stats = xds.stats().gateway(GW);
      assertEquals(1, stats.connectedStreams());
      assertEquals(0, stats.nacks(), () -> "NACK: " + stats.lastNack());

      // An endpoint change reaches the client, which still ACKs.
      HealthStatusManager health = new HealthStatusManager();
      Server second = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
          .addService(health.getHealthService()).build().start();
      try {
        backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        xds.update(2, Map.of(GW, grpcGateway(second.getPort())));
        // A call may still be on its way to the old backend as it goes away (GOAWAY): such a
        // call fails UNAVAILABLE and is made again, as a client retrying would.
        HealthCheckResponse again = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (again == null) {
          try {
            again = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .withWaitForReady()
                .check(HealthCheckRequest.getDefaultInstance());
          } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
              throw e;
            }
            Thread.sleep(100);
          }
        }
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, again.getStatus());
        assertEquals(0, xds.stats().gateway(GW).nacks());
      } finally {
        second.shutdownNow();
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertTrue(xds.stats().publishedRevision() >= 2);
  }
}
