package dev.gloo.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A bare ADS client for tests: what it sends is exactly what the test writes. */
public final class AdsClient implements AutoCloseable {

  private final ManagedChannel channel;
  private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub;

  private AdsClient(ManagedChannel channel, Channel forStub) {
    this.channel = channel;
    this.stub = AggregatedDiscoveryServiceGrpc.newStub(forStub);
  }

  public static AdsClient loopback(int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return new AdsClient(channel, channel);
  }

  public static AdsClient over(ManagedChannel channel) {
    return new AdsClient(channel, channel);
  }

  public Call<DiscoveryRequest, DiscoveryResponse> sotw() {
    return new Call<>(stub::streamAggregatedResources);
  }

  public Call<DeltaDiscoveryRequest, DeltaDiscoveryResponse> delta() {
    return new Call<>(stub::deltaAggregatedResources);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** One stream: requests go out as written, responses queue up, the end is a Status. */
  public static final class Call<Q, R> {
    private final LinkedBlockingQueue<R> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private final StreamObserver<Q> requests;

    Call(Function<StreamObserver<R>, StreamObserver<Q>> open) {
      this.requests =
          open.apply(
              new StreamObserver<R>() {
                @Override
                public void onNext(R value) {
                  responses.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  end.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  end.complete(Status.OK);
                }
              });
    }

    public Call<Q, R> send(Q request) {
      synchronized (requests) {
        requests.onNext(request);
      }
      return this;
    }

    public R next() throws InterruptedException {
      return next(Duration.ofSeconds(5));
    }

    public R next(Duration timeout) throws InterruptedException {
      R response = responses.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(response, "no response within " + timeout + (end.isDone() ? "; stream ended: " + end.join() : ""));
      return response;
    }

    /** Asserts that nothing arrives for {@code quiet}. */
    public void expectNothing(Duration quiet) throws InterruptedException {
      R response = responses.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
      assertNull(response, () -> "expected no response, got " + response);
    }

    /** How many responses arrive within {@code window}. */
    public int countFor(Duration window) throws InterruptedException {
      Thread.sleep(window.toMillis());
      int n = responses.size();
      responses.clear();
      return n;
    }

    public Status awaitEnd(Duration timeout) throws Exception {
      return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean ended() {
      return end.isDone();
    }

    public void assertEndsWith(Status.Code code, String messagePart) throws Exception {
      Status status = awaitEnd(Duration.ofSeconds(5));
      assertEquals(code, status.getCode(), () -> "status " + status);
      assertTrue(
          status.getDescription() != null && status.getDescription().contains(messagePart),
          () -> "description of " + status + " lacks '" + messagePart + "'");
    }

    public void cancel() {
      synchronized (requests) {
        requests.onError(Status.CANCELLED.asRuntimeException());
      }
    }
  }
}
