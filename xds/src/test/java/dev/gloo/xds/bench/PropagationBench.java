package dev.gloo.xds.bench;

import dev.gloo.xds.EnvoyResources;
import dev.gloo.xds.Fixtures;
import dev.gloo.xds.XdsServer;
import dev.gloo.xds.XdsSettings;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * End-to-end propagation: {@code update()} on three {@link XdsServer}s in one JVM (as three
 * nodes applying the same revision) until each of 100 state-of-the-world ADS clients, spread
 * over the servers and over 10 Gateways, holds the new route table and endpoints (and has
 * ACKed them). Every round changes every Gateway's RDS and EDS content.
 *
 * <p>Run: {@code java -cp <test classpath> dev.gloo.xds.bench.PropagationBench [clients]
 * [servers] [gateways] [rounds] [clustersPerGateway]}.
 */
public final class PropagationBench {

  public record Config(int clients, int servers, int gateways, int rounds, int warmup, int clustersPerGateway) {}

  public record Result(Histogram all, List<Histogram> perServer, Histogram update, int missed) {}

  private PropagationBench() {}

  public static void main(String[] args) throws Exception {
    Config config = new Config(
        arg(args, 0, 100), arg(args, 1, 3), arg(args, 2, 10), arg(args, 3, 300), 30, arg(args, 4, 20));
    System.out.printf("propagation: %d clients, %d servers, %d Gateways, %d clusters per Gateway, %d rounds after %d warm-up; %d cores%n",
        config.clients(), config.servers(), config.gateways(), config.clustersPerGateway(), config.rounds(),
        config.warmup(), Runtime.getRuntime().availableProcessors());
    System.out.printf("system load average at start: %.1f%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Result result = run(config);
    System.out.println();
    System.out.println("| scope      | samples |  p50 ms |  p90 ms |  p99 ms |  max ms |");
    System.out.println("|------------|--------:|--------:|--------:|--------:|--------:|");
    row("all clients", result.all());
    for (int s = 0; s < result.perServer().size(); s++) {
      row("server " + (s + 1), result.perServer().get(s));
    }
    row("update()", result.update());
    System.out.printf("%nsystem load average at end: %.1f%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf("missed deliveries: %d; p99 %s the 100 ms target%n", result.missed(),
        result.all().getValueAtPercentile(99) / 1000.0 < 100 ? "meets" : "MISSES");
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  private static void row(String scope, Histogram h) {
    System.out.printf("| %-10s | %7d | %7.2f | %7.2f | %7.2f | %7.2f |%n", scope, h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
  }

  static String gatewayName(int g) {
    return "bench/gw-" + g;
  }

  /** One Gateway's resources at one round: every route table and endpoint set changes. */
  static EnvoyResources gateway(int g, int round, int clusters) {
    VirtualHost.Builder host = VirtualHost.newBuilder().setName("all").addDomains("*");
    List<Cluster> cs = new ArrayList<>();
    List<ClusterLoadAssignment> es = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      String name = String.format("gw-%d-svc-%03d", g, c);
      host.addRoutes(Route.newBuilder()
          .setName("r" + c + "-" + round)
          .setMatch(RouteMatch.newBuilder().setPrefix("/svc/" + c + "/"))
          .setRoute(RouteAction.newBuilder().setCluster(name)));
      cs.add(Fixtures.edsCluster(name));
      es.add(Fixtures.endpoints(name, 10_000 + round % 50_000));
    }
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("http").addVirtualHosts(host).build();
    Listener listener = Fixtures.listener("http", 8080, "http", null);
    return new EnvoyResources(List.of(listener), List.of(routes), cs, es, List.of());
  }

  static Map<String, EnvoyResources> state(Config config, int round) {
    Map<String, EnvoyResources> state = new HashMap<>();
    for (int g = 0; g < config.gateways(); g++) {
      state.put(gatewayName(g), gateway(g, round, config.clustersPerGateway()));
    }
    return state;
  }

  /** A client that subscribes like Envoy, ACKs everything, and reports RDS and EDS arrivals. */
  static final class Client implements StreamObserver<DiscoveryResponse> {
    final int server;
    final Node node;
    final List<String> clusterNames;
    final StreamObserver<DiscoveryRequest> requests;
    volatile Round round;
    private int seen;

    Client(ManagedChannel channel, int server, int gateway, int clusters) {
      this.server = server;
      this.node = Fixtures.node(gatewayName(gateway));
      List<String> names = new ArrayList<>();
      for (int c = 0; c < clusters; c++) {
        names.add(String.format("gw-%d-svc-%03d", gateway, c));
      }
      this.clusterNames = names;
      this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
    }

    void subscribe() {
      send(Fixtures.CDS, "", "", List.of());
      send(Fixtures.EDS, "", "", clusterNames);
      send(Fixtures.LDS, "", "", List.of());
      send(Fixtures.RDS, "", "", List.of("http"));
    }

    private void send(String type, String version, String nonce, List<String> names) {
      DiscoveryRequest request = DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type)
          .setVersionInfo(version).setResponseNonce(nonce).addAllResourceNames(names).build();
      synchronized (requests) {
        requests.onNext(request);
      }
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      long now = System.nanoTime();
      String type = response.getTypeUrl();
      List<String> names = type.equals(Fixtures.EDS) ? clusterNames
          : type.equals(Fixtures.RDS) ? List.of("http") : List.of();
      Round current = round;
      if (current != null && (type.equals(Fixtures.EDS) || type.equals(Fixtures.RDS))) {
        synchronized (this) {
          seen |= type.equals(Fixtures.EDS) ? 1 : 2;
          if (seen == 3) {
            seen = 0;
            round = null;
            current.arrived(this, now);
          }
        }
      }
      send(type, response.getVersionInfo(), response.getNonce(), names);
    }

    @Override
    public void onError(Throwable t) {
      System.err.println("client stream failed: " + t);
    }

    @Override
    public void onCompleted() {}
  }

  static final class Round {
    final long start;
    final CountDownLatch done;
    final Histogram all;
    final List<Histogram> perServer;
    final boolean record;

    Round(long start, int clients, Histogram all, List<Histogram> perServer, boolean record) {
      this.start = start;
      this.done = new CountDownLatch(clients);
      this.all = all;
      this.perServer = perServer;
      this.record = record;
    }

    void arrived(Client client, long now) {
      if (record) {
        long micros = Math.max(1, (now - start) / 1000);
        synchronized (this) {
          all.recordValue(micros);
          perServer.get(client.server).recordValue(micros);
        }
      }
      done.countDown();
    }
  }

  public static Result run(Config config) throws Exception {
    List<XdsServer> servers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService updaters = Executors.newFixedThreadPool(config.servers());
    Histogram all = new Histogram(3);
    Histogram update = new Histogram(3);
    List<Histogram> perServer = new ArrayList<>();
    int missed = 0;
    try {
      for (int s = 0; s < config.servers(); s++) {
        XdsServer server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node" + (s + 1)),
            () -> CompletableFuture.completedFuture(0L));
        server.start();
        server.update(0, state(config, 0));
        servers.add(server);
        perServer.add(new Histogram(3));
      }
      List<Client> clients = new ArrayList<>();
      for (int i = 0; i < config.clients(); i++) {
        int s = i % config.servers();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", servers.get(s).port()).usePlaintext().directExecutor().build();
        channels.add(channel);
        Client client = new Client(channel, s, i % config.gateways(), config.clustersPerGateway());
        clients.add(client);
        client.subscribe();
      }
      Thread.sleep(1000);
      for (int r = 1; r <= config.warmup() + config.rounds(); r++) {
        Map<String, EnvoyResources> next = state(config, r);
        Round round = new Round(System.nanoTime(), clients.size(), all, perServer, r > config.warmup());
        for (Client client : clients) {
          client.round = round;
        }
        long revision = r;
        List<java.util.concurrent.Future<Long>> updates = new ArrayList<>();
        long start = System.nanoTime();
        for (XdsServer server : servers) {
          updates.add(updaters.submit(() -> {
            long t = System.nanoTime();
            server.update(revision, next);
            return (System.nanoTime() - t) / 1000;
          }));
        }
        for (java.util.concurrent.Future<Long> u : updates) {
          long micros = u.get();
          if (r > config.warmup()) {
            update.recordValue(Math.max(1, micros));
          }
        }
        if (!round.done.await(10, TimeUnit.SECONDS)) {
          missed += round.done.getCount();
        }
        if (System.nanoTime() - start < 0) {
          throw new AssertionError();
        }
      }
      return new Result(all, perServer, update, missed);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      for (XdsServer server : servers) {
        server.close();
      }
      updaters.shutdownNow();
    }
  }
}
