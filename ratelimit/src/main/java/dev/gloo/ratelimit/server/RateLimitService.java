package dev.gloo.ratelimit.server;

import dev.gloo.ratelimit.limiter.InvalidRequestException;
import dev.gloo.ratelimit.limiter.RateLimiter;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit} over the limiter. A
 * request that does not decode or does not make sense gets INVALID_ARGUMENT with the reason;
 * an unexpected failure is logged and answered INTERNAL; neither reaches the transport.
 */
public final class RateLimitService {
  private static final Logger log = LoggerFactory.getLogger(RateLimitService.class);

  private final RateLimiter limiter;

  public RateLimitService(RateLimiter limiter) {
    this.limiter = limiter;
  }

  public ServerServiceDefinition definition() {
    MethodDescriptor<RateLimitRequest, RateLimitResponse> generated = RateLimitServiceGrpc.getShouldRateLimitMethod();
    MethodDescriptor<Decoded, RateLimitResponse> method = generated.toBuilder(
            new DecodingMarshaller(generated.getRequestMarshaller()), generated.getResponseMarshaller())
        .build();
    return ServerServiceDefinition.builder(RateLimitServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncUnaryCall(this::decide))
        .build();
  }

  private void decide(Decoded decoded, StreamObserver<RateLimitResponse> response) {
    if (decoded.request() == null) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(decoded.error()).asRuntimeException());
      return;
    }
    shouldRateLimit(decoded.request(), response);
  }

  void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> response) {
    try {
      limiter.shouldRateLimit(request).whenComplete((decision, error) -> {
        if (error != null) {
          log.error("rate limit decision failed", error);
          response.onError(Status.INTERNAL.withDescription("rate limit decision failed").asRuntimeException());
        } else {
          response.onNext(decision);
          response.onCompleted();
        }
      });
    } catch (InvalidRequestException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      log.error("rate limit decision failed", e);
      response.onError(Status.INTERNAL.withDescription("rate limit decision failed").asRuntimeException());
    }
  }

  /** A request as it came off the wire: decoded, or the reason it did not decode. */
  private record Decoded(RateLimitRequest request, String error) {}

  /**
   * The generated marshaller, with a decoding failure carried to the handler as a value: grpc-java
   * turns an exception thrown while decoding into UNKNOWN, but undecodable bytes are the
   * caller's mistake and get INVALID_ARGUMENT.
   */
  private static final class DecodingMarshaller implements MethodDescriptor.Marshaller<Decoded> {
    private final MethodDescriptor.Marshaller<RateLimitRequest> proto;

    DecodingMarshaller(MethodDescriptor.Marshaller<RateLimitRequest> proto) {
      this.proto = proto;
    }

    @Override
    public InputStream stream(Decoded value) {
      return proto.stream(value.request());
    }

    @Override
    public Decoded parse(InputStream stream) {
      try {
        return new Decoded(proto.parse(stream), null);
      } catch (RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return new Decoded(null, "RateLimitRequest does not decode: " + root.getMessage());
      }
    }
  }
}
