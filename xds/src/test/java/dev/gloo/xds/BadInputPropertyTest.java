package dev.gloo.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random bad input: unknown and empty type URLs, garbage nonces and versions, nodes that
 * name no Gateway, absurd names, NACKs of nothing, subscriptions and unsubscriptions at random.
 * Every stream either stays open or ends with a clean INVALID_ARGUMENT, and afterwards the server
 * still answers a well-behaved client at once. A failure prints the seed to replay it.
 */
class BadInputPropertyTest {

  static final String GW = "default/gw";
  static final Set<Status.Code> CLEAN = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.OK);
  static final String[] TYPES = {
    Fixtures.CDS, Fixtures.EDS, Fixtures.LDS, Fixtures.RDS, Fixtures.SDS, "",
    "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
    "type.googleapis.com/envoy.config.listener.v3.Listener ", "garbage", "\u0000\uffff",
    "type.googleapis.com/envoy.api.v2.Cluster"
  };

  static XdsServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), new TestBarrier(1));
    server.start();
    server.update(1, Map.of(GW, Fixtures.gateway("a")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<Long> seeds() {
    long base = Long.getLong("xds.seed", System.nanoTime());
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      seeds.add(base + i);
    }
    return seeds;
  }

  static String randomString(Random random) {
    switch (random.nextInt(8)) {
      case 0:
        return "";
      case 1:
        return "*";
      case 2:
        return "x".repeat(1000 + random.nextInt(3000));
      case 3:
        return new String(Character.toChars(0x1F600 + random.nextInt(50)));
      case 4:
        return "backend";
      case 5:
        return "http";
      case 6:
        return Long.toString(random.nextLong());
      default:
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
          out.append((char) random.nextInt(0x3000));
        }
        return out.toString();
    }
  }

  static Node randomNode(Random random) {
    switch (random.nextInt(6)) {
      case 0:
        return Node.getDefaultInstance();
      case 1:
        return Node.newBuilder().setCluster(randomString(random)).build();
      case 2:
        return Node.newBuilder()
            .setMetadata(Struct.newBuilder().putFields("gloo.solo.io/gateway",
                random.nextBoolean() ? Value.newBuilder().setBoolValue(true).build()
                    : Value.newBuilder().setStringValue(randomString(random)).build()))
            .build();
      case 3:
        return Fixtures.node("ns" + random.nextInt(3) + "/gw");
      default:
        return Fixtures.node(GW);
    }
  }

  static List<String> randomNames(Random random) {
    List<String> names = new ArrayList<>();
    int n = random.nextInt(10) == 0 ? 9_000 + random.nextInt(3_000) : random.nextInt(4);
    for (int i = 0; i < n; i++) {
      names.add(n > 100 ? "n" + i : randomString(random));
    }
    return names;
  }

  static DiscoveryRequest randomSotw(Random random, boolean first) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setTypeUrl(TYPES[random.nextInt(TYPES.length)])
        .setVersionInfo(random.nextBoolean() ? "" : randomString(random))
        .setResponseNonce(random.nextBoolean() ? "" : randomString(random))
        .addAllResourceNames(randomNames(random));
    if (first || random.nextInt(4) == 0) {
      request.setNode(randomNode(random));
    }
    if (random.nextInt(4) == 0) {
      request.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(random.nextInt(20)).setMessage(randomString(random)));
    }
    return request.build();
  }

  static DeltaDiscoveryRequest randomDelta(Random random, boolean first) {
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(TYPES[random.nextInt(TYPES.length)])
        .setResponseNonce(random.nextBoolean() ? "" : randomString(random))
        .addAllResourceNamesSubscribe(randomNames(random))
        .addAllResourceNamesUnsubscribe(random.nextBoolean() ? List.of() : randomNames(random));
    if (random.nextInt(3) == 0) {
      request.putInitialResourceVersions(randomString(random), randomString(random));
    }
    if (first || random.nextInt(4) == 0) {
      request.setNode(randomNode(random));
    }
    if (random.nextInt(4) == 0) {
      request.setErrorDetail(com.google.rpc.Status.newBuilder().setMessage(randomString(random)));
    }
    return request.build();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomRequestsGetACleanErrorOrAreIgnored(long seed) throws Exception {
    Random random = new Random(seed);
    try (AdsClient client = AdsClient.loopback(server.port())) {
      List<AdsClient.Call<?, ?>> calls = new ArrayList<>();
      for (int s = 0; s < 6; s++) {
        int requests = 1 + random.nextInt(8);
        if (random.nextBoolean()) {
          var call = client.sotw();
          for (int i = 0; i < requests; i++) {
            call.send(randomSotw(random, i == 0));
          }
          calls.add(call);
        } else {
          var call = client.delta();
          for (int i = 0; i < requests; i++) {
            call.send(randomDelta(random, i == 0));
          }
          calls.add(call);
        }
        if (random.nextInt(3) == 0) {
          calls.get(calls.size() - 1).cancel();
        }
      }
      Thread.sleep(200);
      for (AdsClient.Call<?, ?> call : calls) {
        if (call.ended()) {
          Status status = call.awaitEnd(Duration.ofSeconds(1));
          if (!CLEAN.contains(status.getCode()) && status.getCode() != Status.Code.CANCELLED) {
            fail("seed " + seed + ": stream ended with " + status);
          }
        }
      }
      assertServerStillAnswers(client, seed);
    } catch (Exception | AssertionError e) {
      throw new AssertionError("seed " + seed + " (replay with -Dxds.seed=" + seed + "): " + e, e);
    }
  }

  static void assertServerStillAnswers(AdsClient client, long seed) throws Exception {
    var good = client.sotw();
    good.send(Fixtures.request(Fixtures.node(GW), Fixtures.CDS, "", ""));
    assertEquals(1, good.next(Duration.ofSeconds(2)).getResourcesCount(), "seed " + seed);
    good.cancel();
  }

  @Test
  void bytesThatAreNoProtobufEndTheStreamAndNothingElse() throws Exception {
    MethodDescriptor<byte[], byte[]> raw = AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod()
        .toBuilder(new RawMarshaller(), new RawMarshaller()).build();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      Random random = new Random(42);
      for (int i = 0; i < 20; i++) {
        byte[] garbage = new byte[1 + random.nextInt(200)];
        random.nextBytes(garbage);
        ClientCall<byte[], byte[]> call = channel.newCall(raw, CallOptions.DEFAULT);
        CompletableFuture<Status> end = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            end.complete(status);
          }
        }, new Metadata());
        call.request(1);
        call.sendMessage(garbage);
        call.halfClose();
        Status status = end.get(5, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), "status " + status);
      }
    } finally {
      channel.shutdownNow();
    }
    try (AdsClient client = AdsClient.loopback(server.port())) {
      assertServerStillAnswers(client, 42);
    }
  }

  static final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
