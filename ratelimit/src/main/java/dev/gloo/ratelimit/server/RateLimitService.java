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
    // The generated marshaller reports undecodable bytes as INTERNAL; the caller sent them, so
    // they are INVALID_ARGUMENT. The request type stays the generated one.
    MethodDescriptor<RateLimitRequest, RateLimitResponse> method = generated.toBuilder()
        .setRequestMarshaller(new InvalidArgumentMarshaller(generated.getRequestMarshaller()))
        .build();
    return ServerServiceDefinition.builder(RateLimitServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncUnaryCall(this::shouldRateLimit))
        .build();
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

  private static final class InvalidArgumentMarshaller implements MethodDescriptor.Marshaller<RateLimitRequest> {
    private final MethodDescriptor.Marshaller<RateLimitRequest> delegate;

    InvalidArgumentMarshaller(MethodDescriptor.Marshaller<RateLimitRequest> delegate) {
      this.delegate = delegate;
    }

    @Override
    public InputStream stream(RateLimitRequest value) {
      return delegate.stream(value);
    }

    @Override
    public RateLimitRequest parse(InputStream stream) {
      try {
        return delegate.parse(stream);
      } catch (RuntimeException e) {
        throw Status.INVALID_ARGUMENT.withDescription("RateLimitRequest does not decode: " + rootMessage(e))
            .asRuntimeException();
      }
    }

    private static String rootMessage(Throwable t) {
      while (t.getCause() != null) {
        t = t.getCause();
      }
      return t.getMessage();
    }
  }

}
