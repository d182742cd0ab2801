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
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
    // The request arrives as bytes and is decoded here, not in a marshaller: grpc-java turns a
    // marshaller's exception into UNKNOWN or INTERNAL, but undecodable bytes are the caller's
    // mistake and get INVALID_ARGUMENT.
    MethodDescriptor<RateLimitRequest, RateLimitResponse> generated = RateLimitServiceGrpc.getShouldRateLimitMethod();
    MethodDescriptor<byte[], RateLimitResponse> method = generated.toBuilder(new BytesMarshaller(), generated.getResponseMarshaller())
        .build();
    return ServerServiceDefinition.builder(RateLimitServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncUnaryCall(this::decodeAndDecide))
        .build();
  }

  private void decodeAndDecide(byte[] body, StreamObserver<RateLimitResponse> response) {
    RateLimitRequest request;
    try {
      request = RateLimitRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("RateLimitRequest does not decode: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    shouldRateLimit(request, response);
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
