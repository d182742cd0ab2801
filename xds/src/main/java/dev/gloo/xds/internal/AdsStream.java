package dev.gloo.xds.internal;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What state-of-the-world and delta ADS streams share: naming the Gateway from the first
 * request's node, the catch-up barrier before the first response, serialized handling of
 * requests and snapshot changes, and a clean end.
 *
 * <p>Every method that touches stream state runs on {@link #serial}: requests, snapshot
 * changes, the barrier's completion and cancellation are all tasks there, in order.
 *
 * @param <Q> request message
 * @param <R> response message
 */
abstract class AdsStream<Q, R> implements StreamObserver<Q>, SnapshotHub.Subscriber {

  private static final Logger LOG = LoggerFactory.getLogger(AdsStream.class);

  /** Longest resource name accepted; Envoy's own names are far shorter. */
  static final int MAX_NAME_LENGTH = 1024;
  /** Most names one request may carry. */
  static final int MAX_NAMES = 10_000;

  protected final StreamContext context;
  protected final long id;
  private final ServerCallStreamObserver<R> responses;
  protected final SerialExecutor serial;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

  /** The Gateway this stream serves; null until the first request named it. */
  protected String gateway;
  /** The client's node id from its first request, printable, for logs. */
  protected String nodeId = "";
  /** True once the barrier passed: responses may be sent. */
  protected boolean ready;
  private boolean closed;
  private long nonces;

  AdsStream(StreamContext context, StreamObserver<R> responses) {
    this.context = context;
    this.id = context.streamIds().incrementAndGet();
    this.responses = (ServerCallStreamObserver<R>) responses;
    this.serial = new SerialExecutor(context.executor());
    this.responses.setOnCancelHandler(() -> serial.execute(() -> end(null)));
  }

  /** Handles one request of a stream whose Gateway is known. */
  protected abstract void handle(Q request);

  /** What came of offering one type its update. */
  protected enum Turn {
    /** The client lacks nothing of this type (or asked for none of it). */
    NOTHING,
    SENT,
    /** The client lacks something, but the last response of this type waits for its ACK. */
    WAITING
  }

  /** Sends the client what it lacks of {@code type}, if it may be sent now. */
  protected abstract Turn respond(ResourceType type);

  /**
   * Sends whatever the client lacks, in the order xDS asks of a server (clusters, endpoints,
   * listeners, routes, then secrets), so that nothing arrives before what it refers to. When a
   * type must wait for the ACK of its last response, the types after it wait too: the ACK's
   * request pushes again.
   */
  protected final void pushAll() {
    for (ResourceType type : ResourceType.values()) {
      if (respond(type) == Turn.WAITING) {
        return;
      }
    }
  }

  protected abstract Node nodeOf(Q request);

  /** Whether the request stands for bytes that did not parse. */
  protected abstract boolean unparseable(Q request);

  protected abstract String kind();

  /**
   * The type a request asks for. A request without a type URL ends the stream; a type this
   * server does not serve gives null and is ignored: per xDS, the client's subscription then
   * times out on its side, which is what Envoy expects from a server without that type.
   */
  protected final ResourceType requestedType(String typeUrl) {
    if (typeUrl.isEmpty()) {
      end(Status.INVALID_ARGUMENT.withDescription("type_url is required on an ADS stream"));
      return null;
    }
    ResourceType type = ResourceType.fromTypeUrl(typeUrl).orElse(null);
    if (type == null) {
      LOG.debug("xDS {} stream {}: ignoring unknown type {}", kind(), id, typeUrl);
    }
    return type;
  }

  @Override
  public final void onNext(Q request) {
    serial.execute(
        () -> {
          if (closed) {
            return;
          }
          if (unparseable(request)) {
            end(Status.INVALID_ARGUMENT.withDescription("the request is not a valid xDS protobuf message"));
            return;
          }
          try {
            if (gateway == null && !start(request)) {
              return;
            }
            handle(request);
          } catch (RuntimeException e) {
            LOG.error("xDS {} stream {} failed on a request", kind(), id, e);
            end(Status.INTERNAL.withDescription("the control plane failed on this request: " + e));
          }
        });
  }

  @Override
  public final void onError(Throwable t) {
    serial.execute(() -> end(null));
  }

  @Override
  public final void onCompleted() {
    serial.execute(() -> end(Status.OK));
  }

  @Override
  public final void snapshotChanged() {
    serial.execute(
        () -> {
          if (!closed && ready) {
            pushAll();
          }
        });
  }

  /** Names the Gateway and starts the barrier; false when the stream was ended instead. */
  private boolean start(Q request) {
    Node node = nodeOf(request);
    nodeId = Printable.of(node.getId(), 200);
    try {
      gateway = GatewayNames.gatewayOf(node);
    } catch (GatewayNames.InvalidNodeException e) {
      LOG.info("xDS {} stream {} from node '{}' refused: {}", kind(), id, nodeId, e.getMessage());
      end(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
      return false;
    }
    context.counters().streamOpened(gateway);
    LOG.debug("xDS {} stream {} from node '{}' serves Gateway {}", kind(), id, nodeId, gateway);
    context.hub().subscribe(gateway, this);
    caughtUp.orTimeout(context.barrierTimeout().toMillis(), TimeUnit.MILLISECONDS);
    caughtUp.whenComplete((ok, error) -> serial.execute(() -> barrierDone(error)));
    CompletableFuture<Long> revision;
    try {
      revision = context.barrier().revision();
    } catch (RuntimeException e) {
      revision = CompletableFuture.failedFuture(e);
    }
    revision.whenComplete(
        (r, error) -> {
          if (error != null) {
            caughtUp.completeExceptionally(error);
          } else if (r == null) {
            caughtUp.completeExceptionally(new IllegalStateException("the read barrier gave no revision"));
          } else {
            context.hub().whenPublished(r, caughtUp);
          }
        });
    return true;
  }

  private void barrierDone(Throwable error) {
    if (closed) {
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      String why =
          cause instanceof TimeoutException
              ? "this control node did not catch up with the cluster within "
                  + context.barrierTimeout().toMillis()
                  + " ms; try another node"
              : "this control node cannot prove it is caught up with the cluster (" + cause + "); try another node";
      LOG.warn("xDS {} stream {} of Gateway {} ended: {}", kind(), id, gateway, why);
      end(Status.UNAVAILABLE.withDescription(why));
      return;
    }
    ready = true;
    pushAll();
  }

  protected final GatewaySnapshot snapshot() {
    return context.hub().current().gateway(gateway);
  }

  protected final String nextNonce() {
    return Long.toString(++nonces);
  }

  protected final void send(R response) {
    if (closed) {
      return;
    }
    try {
      responses.onNext(response);
    } catch (StatusRuntimeException e) {
      // The call was cancelled between our check and the send; the cancel handler cleans up.
      LOG.debug("xDS {} stream {}: send failed: {}", kind(), id, e.getStatus());
    }
  }

  /** Checks the names of a request; a stream error describes the first problem. */
  protected final boolean namesAcceptable(List<String> names) {
    if (names.size() > MAX_NAMES) {
      end(Status.INVALID_ARGUMENT.withDescription(
          "a request may name at most " + MAX_NAMES + " resources, got " + names.size()));
      return false;
    }
    for (String name : names) {
      if (name.length() > MAX_NAME_LENGTH) {
        end(Status.INVALID_ARGUMENT.withDescription(
            "resource names are at most " + MAX_NAME_LENGTH + " characters, got one of " + name.length()));
        return false;
      }
    }
    return true;
  }

  /** Ends the stream: with {@code status} when given, silently when the client went away. */
  protected final void end(Status status) {
    if (closed) {
      return;
    }
    closed = true;
    caughtUp.cancel(false);
    if (gateway != null) {
      context.hub().unsubscribe(gateway, this);
      context.counters().streamClosed(gateway);
    }
    if (status == null) {
      return;
    }
    if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
      context.counters().refused();
    } else if (status.getCode() == Status.Code.UNAVAILABLE) {
      context.counters().notCaughtUp();
    }
    try {
      if (status.isOk()) {
        responses.onCompleted();
      } else {
        responses.onError(status.asRuntimeException());
      }
    } catch (RuntimeException e) {
      LOG.debug("xDS {} stream {}: close failed: {}", kind(), id, e.toString());
    }
  }

  protected final boolean closed() {
    return closed;
  }
}
