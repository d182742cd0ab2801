package dev.gloo.xds.internal;

import dev.gloo.xds.XdsStats;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state-of-the-world ADS stream ({@code StreamAggregatedResources}).
 *
 * <p>Per type, the stream answers each request at most once: after a response it waits for the
 * client's ACK or NACK (the next request carrying that response's nonce) before it sends the
 * type again. It sends only when the client lacks something: the content version differs from
 * what the client holds, or the client asks for other names. A NACKed version is remembered and
 * not sent again for the same names until the content changes, so a rejecting client is not
 * fed the same response in a loop.
 */
public final class SotwStream extends AdsStream<DiscoveryRequest, DiscoveryResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(SotwStream.class);

  /** What this stream knows of one type. */
  private static final class TypeState {
    /** Names asked for; meaningless when {@link #wildcard}. */
    Set<String> names = Set.of();
    boolean wildcard;
    /** The nonce of the last response, null before the first. */
    String sentNonce;
    /** The version and names the client holds (sent by us, or reported on its first request). */
    String heldVersion;
    Set<String> heldNames;
    boolean heldWildcard;
    /** The last response the client rejected. */
    String nackedVersion;
    Set<String> nackedNames;
    boolean nackedWildcard;
    /** A request waits for its response. */
    boolean open;
  }

  private final Map<ResourceType, TypeState> types = new EnumMap<>(ResourceType.class);

  public SotwStream(StreamContext context, StreamObserver<DiscoveryResponse> responses) {
    super(context, responses);
  }

  @Override
  protected Node nodeOf(DiscoveryRequest request) {
    return request.getNode();
  }

  @Override
  protected boolean unparseable(DiscoveryRequest request) {
    return request == AdsService.UNPARSEABLE;
  }

  @Override
  protected String kind() {
    return "sotw";
  }

  @Override
  protected void handle(DiscoveryRequest request) {
    String typeUrl = request.getTypeUrl();
    ResourceType type = requestedType(typeUrl);
    if (type == null) {
      return;
    }
    if (!namesAcceptable(request.getResourceNamesList())) {
      return;
    }
    TypeState state = types.computeIfAbsent(type, t -> new TypeState());
    String nonce = request.getResponseNonce();
    if (state.sentNonce != null && !state.sentNonce.equals(nonce)) {
      // A stale or unknown nonce: the request answers an older response; xDS says ignore it.
      return;
    }
    if (state.sentNonce != null && request.hasErrorDetail()) {
      state.nackedVersion = state.heldVersion;
      state.nackedNames = state.heldNames;
      state.nackedWildcard = state.heldWildcard;
      String detail = Printable.of(request.getErrorDetail().getMessage(), 4096);
      LOG.warn(
          "xDS NACK from node '{}' of Gateway {} for {} version {}: {}",
          nodeId, gateway, typeUrl, state.nackedVersion, detail);
      context.counters().nack(gateway, new XdsStats.Nack(typeUrl, state.nackedVersion, detail));
      // The client keeps what it had before the rejected response.
      state.heldVersion = request.getVersionInfo();
    } else if (state.sentNonce == null) {
      // First request of this type on this stream: the client may already hold content from
      // another node; with equal content it then needs nothing.
      state.heldVersion = request.getVersionInfo();
      state.heldNames = null;
    }
    TreeSet<String> names = new TreeSet<>(request.getResourceNamesList());
    state.wildcard = names.remove("*") || (names.isEmpty() && type.wildcardByDefault());
    state.names = names;
    if (state.sentNonce == null && state.heldNames == null) {
      state.heldNames = state.names;
      state.heldWildcard = state.wildcard;
    }
    state.open = true;
    if (ready) {
      pushAll();
    }
  }

  @Override
  protected Turn respond(ResourceType type) {
    TypeState state = types.get(type);
    if (state == null || closed()) {
      return Turn.NOTHING;
    }
    if (!state.wildcard && state.names.isEmpty()) {
      // Asking for no names of a non-wildcard type is unsubscribing: nothing to send.
      return Turn.NOTHING;
    }
    TypeSnapshot snapshot = snapshot().of(type);
    String version = snapshot.version();
    if (version.equals(state.nackedVersion)
        && state.wildcard == state.nackedWildcard
        && state.names.equals(state.nackedNames)) {
      return Turn.NOTHING;
    }
    if (version.equals(state.heldVersion)
        && state.wildcard == state.heldWildcard
        && state.names.equals(state.heldNames)) {
      return Turn.NOTHING;
    }
    if (!state.open) {
      return Turn.WAITING;
    }
    DiscoveryResponse.Builder response =
        DiscoveryResponse.newBuilder()
            .setVersionInfo(version)
            .setTypeUrl(type.typeUrl())
            .setControlPlane(context.controlPlane());
    if (state.wildcard) {
      snapshot.resources().values().forEach(r -> response.addResources(r.packed()));
    } else {
      for (String name : state.names) {
        VersionedResource resource = snapshot.get(name);
        if (resource != null) {
          response.addResources(resource.packed());
        }
      }
    }
    String nonce = nextNonce();
    response.setNonce(nonce);
    state.sentNonce = nonce;
    state.heldVersion = version;
    state.heldNames = state.names;
    state.heldWildcard = state.wildcard;
    state.open = false;
    send(response.build());
    return Turn.SENT;
  }
}
