package dev.gloo.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client that behaves like Envoy on state-of-the-world ADS (CDS and LDS wildcard, EDS for the
 * EDS clusters it holds, RDS for the route tables its listeners name, SDS for their secrets,
 * ACK everything, report held versions when it reconnects) moves between three nodes while the
 * config changes at random; one node applies every revision late. Whatever node it lands on,
 * the route table it holds never goes back to an older revision, and it ends up holding the
 * final state. Seeded; the seed is in the test name and in every failure.
 */
class EnvoyLikeFailoverTest {

  static final String GW = "default/gw";

  static List<Long> seeds() {
    long base = Long.getLong("xds.seed", System.nanoTime());
    return List.of(base, base + 1, base + 2);
  }

  /** Revision r of the Gateway: random clusters, the route table tagged with r, HTTPS at random. */
  static EnvoyResources state(Random random, int revision) {
    List<Cluster> clusters = new ArrayList<>();
    List<io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment> endpoints = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      if (random.nextInt(3) > 0 || (c == 5 && names.isEmpty())) {
        names.add("c" + c);
        clusters.add(Fixtures.edsCluster("c" + c));
        endpoints.add(Fixtures.endpoints("c" + c, 9000 + random.nextInt(3)));
      }
    }
    String target = names.get(random.nextInt(names.size()));
    boolean https = random.nextBoolean();
    List<Listener> listeners = new ArrayList<>(List.of(Fixtures.listener("http", 8080, "http", null)));
    if (https) {
      listeners.add(Fixtures.listener("https", 8443, "http", "tls"));
    }
    return new EnvoyResources(listeners, List.of(Fixtures.routes("http", target, Integer.toString(revision))),
        clusters, endpoints, https ? List.of(Fixtures.secret("tls")) : List.of());
  }

  /** The Envoy-like client; all state guarded by {@code this}. */
  static final class EnvoyLike {
    final Node node = Fixtures.node(GW);
    final Map<String, String> versions = new HashMap<>();
    final Map<String, String> nonces = new HashMap<>();
    final Map<String, TreeSet<String>> names = new HashMap<>();
    final Map<String, Map<String, Any>> held = new HashMap<>();
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    int highestTag = -1;
    StreamObserver<DiscoveryRequest> requests;
    StreamObserver<DiscoveryResponse> current;
    String server;

    synchronized void connect(ManagedChannel channel, String serverId) {
      server = serverId;
      nonces.clear();
      current = new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryResponse response) {
          received(this, response);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
      requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(current);
      for (String type : List.of(Fixtures.CDS, Fixtures.EDS, Fixtures.LDS, Fixtures.RDS, Fixtures.SDS)) {
        if (type.equals(Fixtures.CDS) || type.equals(Fixtures.LDS) || !names.getOrDefault(type, new TreeSet<>()).isEmpty()) {
          send(type);
        }
      }
    }

    synchronized void disconnect() {
      requests.onError(io.grpc.Status.CANCELLED.asRuntimeException());
      requests = null;
    }

    private void send(String type) {
      requests.onNext(DiscoveryRequest.newBuilder()
          .setNode(node)
          .setTypeUrl(type)
          .setVersionInfo(versions.getOrDefault(type, ""))
          .setResponseNonce(nonces.getOrDefault(type, ""))
          .addAllResourceNames(names.getOrDefault(type, new TreeSet<>()))
          .build());
    }

    synchronized void received(StreamObserver<DiscoveryResponse> from, DiscoveryResponse response) {
      if (from != current) {
        return; // a response still in flight on a stream this client already left
      }
      String type = response.getTypeUrl();
      if (!response.getControlPlane().getIdentifier().equals(server)) {
        problems.add("response from " + response.getControlPlane().getIdentifier() + " on a stream to " + server);
      }
      Map<String, Any> resources = new TreeMap<>();
      try {
        for (Any any : response.getResourcesList()) {
          resources.put(nameOf(type, any), any);
        }
        if (type.equals(Fixtures.RDS)) {
          for (Any any : response.getResourcesList()) {
            int tag = Integer.parseInt(any.unpack(RouteConfiguration.class).getVirtualHosts(0).getRoutes(0)
                .getResponseHeadersToAdd(0).getHeader().getValue());
            if (tag < highestTag) {
              problems.add("route table went back from revision " + highestTag + " to " + tag + " on " + server);
            }
            highestTag = Math.max(highestTag, tag);
          }
        }
        held.put(type, resources);
        versions.put(type, response.getVersionInfo());
        nonces.put(type, response.getNonce());
        send(type); // ACK
        if (type.equals(Fixtures.CDS)) {
          resubscribe(Fixtures.EDS, new TreeSet<>(resources.keySet()));
        } else if (type.equals(Fixtures.LDS)) {
          TreeSet<String> tables = new TreeSet<>();
          TreeSet<String> secrets = new TreeSet<>();
          for (Any any : resources.values()) {
            Listener listener = any.unpack(Listener.class);
            tables.add(listener.getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class).getRds().getRouteConfigName());
            if (listener.getFilterChains(0).hasTransportSocket()) {
              secrets.add(listener.getFilterChains(0).getTransportSocket().getTypedConfig()
                  .unpack(DownstreamTlsContext.class).getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName());
            }
          }
          resubscribe(Fixtures.RDS, tables);
          resubscribe(Fixtures.SDS, secrets);
        }
      } catch (InvalidProtocolBufferException e) {
        problems.add("unparseable " + type + ": " + e);
      }
    }

    private void resubscribe(String type, TreeSet<String> wanted) {
      if (!wanted.equals(names.getOrDefault(type, new TreeSet<>()))) {
        names.put(type, wanted);
        send(type);
      }
    }

    static String nameOf(String type, Any any) throws InvalidProtocolBufferException {
      if (type.equals(Fixtures.CDS)) {
        return any.unpack(Cluster.class).getName();
      } else if (type.equals(Fixtures.EDS)) {
        return any.unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class).getClusterName();
      } else if (type.equals(Fixtures.LDS)) {
        return any.unpack(Listener.class).getName();
      } else if (type.equals(Fixtures.RDS)) {
        return any.unpack(RouteConfiguration.class).getName();
      }
      return any.unpack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.class).getName();
    }

    synchronized Map<String, Map<String, Any>> view() {
      return new HashMap<>(held);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theClientNeverGoesBackAndEndsWithTheFinalState(long seed) throws Exception {
    Random random = new Random(seed);
    AtomicLong clusterRevision = new AtomicLong(0);
    ReadBarrier barrier = () -> CompletableFuture.completedFuture(clusterRevision.get());
    List<XdsServer> servers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    ScheduledExecutorService lag = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int s = 1; s <= 3; s++) {
        XdsServer server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node" + s).withBarrierTimeout(Duration.ofSeconds(10)), barrier);
        server.start();
        server.update(0, Map.of());
        servers.add(server);
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
      }
      EnvoyLike envoy = new EnvoyLike();
      int at = 0;
      envoy.connect(channels.get(at), "node1");
      Map<String, EnvoyResources> last = Map.of();
      int revisions = 25;
      for (int r = 1; r <= revisions; r++) {
        Map<String, EnvoyResources> state = Map.of(GW, state(random, r));
        last = state;
        long revision = r;
        servers.get(0).update(revision, state);
        servers.get(1).update(revision, state);
        clusterRevision.set(revision);
        // node3 applies every revision 0 to 300 ms late, in order.
        lag.schedule(() -> servers.get(2).update(revision, state), random.nextInt(300), TimeUnit.MILLISECONDS);
        Thread.sleep(random.nextInt(60));
        if (random.nextInt(3) == 0) {
          envoy.disconnect();
          at = random.nextInt(3);
          envoy.connect(channels.get(at), "node" + (at + 1));
        }
      }
      lag.shutdown();
      assertTrue(lag.awaitTermination(10, TimeUnit.SECONDS));
      EnvoyResources expected = last.get(GW);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!converged(envoy, expected) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(List.of(), new ArrayList<>(envoy.problems), "seed " + seed);
      assertTrue(converged(envoy, expected), "seed " + seed + ": the client did not reach the final state: " + envoy.view().keySet());
      assertEquals(revisions, envoy.highestTag, "seed " + seed);
      for (XdsServer server : servers) {
        assertEquals(0, server.stats().gateway(GW).nacks());
      }
    } finally {
      lag.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      for (XdsServer server : servers) {
        server.close();
      }
    }
  }

  static boolean converged(EnvoyLike envoy, EnvoyResources expected) {
    Map<String, Map<String, Any>> view = envoy.view();
    return names(view.get(Fixtures.CDS)).equals(names(expected.clusters(), Fixtures.CDS))
        && names(view.get(Fixtures.EDS)).equals(names(expected.endpoints(), Fixtures.EDS))
        && names(view.get(Fixtures.LDS)).equals(names(expected.listeners(), Fixtures.LDS))
        && names(view.get(Fixtures.SDS)).equals(names(expected.secrets(), Fixtures.SDS))
        && view.getOrDefault(Fixtures.RDS, Map.of()).values().stream().map(Any::getValue).toList()
            .equals(expected.routes().stream().map(dev.gloo.xds.internal.Deterministic::bytes).toList());
  }

  static TreeSet<String> names(Map<String, Any> held) {
    return held == null ? new TreeSet<>() : new TreeSet<>(held.keySet());
  }

  static TreeSet<String> names(List<? extends com.google.protobuf.Message> resources, String type) {
    TreeSet<String> out = new TreeSet<>();
    for (com.google.protobuf.Message m : resources) {
      out.add(dev.gloo.xds.internal.ResourceType.nameOf(m));
    }
    return out;
  }
}
