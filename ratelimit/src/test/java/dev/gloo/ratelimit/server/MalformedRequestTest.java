package dev.gloo.ratelimit.server;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Seeded random requests, well-formed protobuf with senseless content and bytes that are not
 * protobuf at all: each gets a decision or INVALID_ARGUMENT, never another status, and the
 * service keeps deciding correctly afterwards. The seed is in every failure message; rerun one
 * case with {@code -Dratelimit.seed=N}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestTest {
  private static final long BASE_SEED = Long.getLong("ratelimit.seed", 0x5EEDL);
  private static final MethodDescriptor<byte[], byte[]> RAW = RateLimitServiceGrpc.getShouldRateLimitMethod().toBuilder(
      new BytesMarshaller(), new BytesMarshaller()).build();

  private Harness harness;
  private final AtomicInteger decided = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  @BeforeAll
  void start() {
    harness = Harness.onSharedRedis();
    harness.configs("""
        metadata: {name: fuzz, namespace: default}
        spec:
          raw:
            descriptors:
            - key: generic_key
              rateLimit: {requestsPerUnit: 1000000, unit: SECOND}
              descriptors:
              - {key: nested, rateLimit: {requestsPerUnit: 5, unit: DAY}}
        """);
  }

  @AfterAll
  void stop() {
    try {
      // Both outcomes must occur, or the generator exercises only one path.
      assertTrue(decided.get() >= 10 && refused.get() >= 10, "decided " + decided + ", refused " + refused);
    } finally {
      if (harness != null) {
        harness.close();
      }
    }
  }

  @RepeatedTest(60)
  void senselessRequestsGetADecisionOrInvalidArgument(RepetitionInfo rep) {
    long seed = BASE_SEED + rep.getCurrentRepetition();
    Random rnd = new Random(seed);
    RateLimitRequest req = randomRequest(rnd);
    try {
      RateLimitResponse r = harness.stub().shouldRateLimit(req);
      assertEquals(req.getDescriptorsCount(), r.getStatusesCount(), "seed " + seed + ": one status per descriptor");
      assertTrue(r.getOverallCode() == Code.OK || r.getOverallCode() == Code.OVER_LIMIT, "seed " + seed + ": " + r);
      decided.incrementAndGet();
    } catch (StatusRuntimeException e) {
      refused.incrementAndGet();
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), "seed " + seed + ": " + e);
      assertTrue(e.getStatus().getDescription() != null && !e.getStatus().getDescription().isBlank(),
          "seed " + seed + ": INVALID_ARGUMENT says why");
    }
  }

  @RepeatedTest(60)
  void bytesThatAreNotARateLimitRequestGetInvalidArgument(RepetitionInfo rep) {
    long seed = BASE_SEED * 31 + rep.getCurrentRepetition();
    Random rnd = new Random(seed);
    byte[] body = new byte[1 + rnd.nextInt(512)];
    rnd.nextBytes(body);
    try {
      byte[] reply = ClientCalls.blockingUnaryCall(harness.channel, RAW,
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body);
      RateLimitResponse.parseFrom(reply); // random bytes can happen to decode: then it is a decision
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), "seed " + seed + ": " + e);
    } catch (IOException e) {
      throw new AssertionError("seed " + seed + ": the reply is not a RateLimitResponse", e);
    }
  }

  @Test
  void theServiceStillDecidesAfterwards() {
    RateLimitRequest valid = request(descriptor("default.fuzz", "generic_key", "after-fuzz"));
    RateLimitResponse r = harness.stub().shouldRateLimit(valid);
    assertEquals(Code.OK, r.getOverallCode());
    assertTrue(r.getStatuses(0).hasCurrentLimit());
  }

  @Test
  void truncatedProtobufIsInvalidArgument() {
    byte[] full = request(descriptor("default.fuzz", "generic_key", "x")).toByteArray();
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(harness.channel, RAW, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), cut));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
  }

  private static RateLimitRequest randomRequest(Random rnd) {
    RateLimitRequest.Builder r = RateLimitRequest.newBuilder()
        .setDomain(rnd.nextInt(8) == 0 ? "" : rnd.nextInt(4) == 0 ? text(rnd) : "solo.io")
        .setHitsAddend(rnd.nextInt(5) == 0 ? rnd.nextInt() : rnd.nextInt(3));
    int descriptors = rnd.nextInt(10) == 0 ? 250 + rnd.nextInt(20) : rnd.nextInt(5);
    for (int i = 0; i < descriptors; i++) {
      RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder();
      int entries = rnd.nextInt(10) == 0 ? 60 + rnd.nextInt(10) : rnd.nextInt(12) == 0 ? 0 : 1 + rnd.nextInt(3);
      if (entries > 0 && rnd.nextBoolean()) {
        d.addEntries(entry("solo.io/config", rnd.nextBoolean() ? "default.fuzz" : text(rnd)));
        entries--;
      }
      for (int j = 0; j < entries; j++) {
        int pick = rnd.nextInt(12);
        String key = pick < 5 ? "generic_key" : pick < 9 ? "nested" : pick == 9 ? "" : text(rnd);
        d.addEntries(entry(key, rnd.nextInt(6) == 0 ? "x".repeat(rnd.nextInt(10_000)) : text(rnd)));
      }
      if (rnd.nextInt(6) == 0) {
        d.setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder()
            .setRequestsPerUnit(rnd.nextInt()).setUnitValue(rnd.nextInt(12) - 2));
      }
      if (rnd.nextInt(6) == 0) {
        d.setHitsAddend(UInt64Value.of(rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(3)));
      }
      r.addDescriptors(d);
    }
    return r.build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  /** Short strings over ASCII, the separators the counter keys escape, and non-ASCII. */
  private static String text(Random rnd) {
    String alphabet = "ab|=%_.:/ é漢\u0000";
    StringBuilder b = new StringBuilder();
    for (int i = rnd.nextInt(12); i > 0; i--) {
      b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
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
