package dev.gloo.xds.internal;

import dev.gloo.xds.XdsStats;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A delta ADS stream ({@code DeltaAggregatedResources}).
 *
 * <p>Per type the stream tracks which version of each resource the client holds and sends only
 * the difference: resources whose content version differs, and removals of resources the
 * client holds that no longer exist. One response per type is in flight at a time; the next
 * waits for its ACK or NACK. A NACK restores what the client held before and remembers each
 * rejected (name, version), which is not sent again until that resource's content changes.
 */
public final class DeltaStream extends AdsStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaStream.class);
  /** Marks a rejected removal in {@link TypeState#rejected}; no content version looks like it. */
  private static final String REMOVAL = "(removed)";

  private record InFlight(String nonce, String systemVersion, Map<String, String> sent, Map<String, String> before) {}

  private static final class TypeState {
    boolean wildcard;
    final Set<String> names = new HashSet<>();
    /** name -> version the client holds. */
    final Map<String, String> held = new HashMap<>();
    /** name -> version (or {@link #REMOVAL}) the client rejected. */
    final Map<String, String> rejected = new HashMap<>();
    InFlight inFlight;
    /** The client holds nothing and waits for a first answer, even an empty one. */
    boolean mustAnswer;
  }

  private final Map<ResourceType, TypeState> types = new EnumMap<>(ResourceType.class);

  public DeltaStream(StreamContext context, StreamObserver<DeltaDiscoveryResponse> responses) {
    super(context, responses);
  }

  @Override
  protected Node nodeOf(DeltaDiscoveryRequest request) {
    return request.getNode();
  }

  @Override
  protected boolean unparseable(DeltaDiscoveryRequest request) {
    return request == AdsService.UNPARSEABLE_DELTA;
  }

  @Override
  protected String kind() {
    return "delta";
  }

  @Override
  protected void handle(DeltaDiscoveryRequest request) {
    String typeUrl = request.getTypeUrl();
    ResourceType type = requestedType(typeUrl);
    if (type == null) {
      return;
    }
    if (!namesAcceptable(request.getResourceNamesSubscribeList())
        || !namesAcceptable(request.getResourceNamesUnsubscribeList())
        || !namesAcceptable(new ArrayList<>(request.getInitialResourceVersionsMap().keySet()))) {
      return;
    }
    TypeState existing = types.get(type);
    final TypeState state = existing != null ? existing : new TypeState();
    if (existing == null) {
      types.put(type, state);
      // Legacy wildcard: a first request naming nothing asks for every listener or cluster.
      state.wildcard = type.wildcardByDefault() && request.getResourceNamesSubscribeCount() == 0;
      state.held.putAll(request.getInitialResourceVersionsMap());
      state.mustAnswer = state.held.isEmpty();
    }
    String nonce = request.getResponseNonce();
    InFlight inFlight = state.inFlight;
    if (!nonce.isEmpty() && inFlight != null && inFlight.nonce().equals(nonce)) {
      state.inFlight = null;
      if (request.hasErrorDetail()) {
        String detail = Printable.of(request.getErrorDetail().getMessage(), 4096);
        LOG.warn(
            "xDS NACK from node '{}' of Gateway {} for {} system version {} ({} resources): {}",
            nodeId, gateway, typeUrl, inFlight.systemVersion(),
            inFlight.sent().size(), detail);
        context.counters().nack(gateway, new XdsStats.Nack(typeUrl, inFlight.systemVersion(), detail));
        state.rejected.putAll(inFlight.sent());
        inFlight.before().forEach((name, version) -> {
          if (version == null) {
            state.held.remove(name);
          } else {
            state.held.put(name, version);
          }
        });
      }
    }
    // Subscription changes count whatever the nonce says.
    for (String name : request.getResourceNamesSubscribeList()) {
      if (name.equals("*")) {
        state.wildcard = true;
      } else {
        state.names.add(name);
      }
    }
    if (state.names.size() > MAX_NAMES) {
      end(Status.INVALID_ARGUMENT.withDescription(
          "a stream may subscribe to at most " + MAX_NAMES + " resources of one type"));
      return;
    }
    for (String name : request.getResourceNamesUnsubscribeList()) {
      if (name.equals("*")) {
        state.wildcard = false;
      } else {
        state.names.remove(name);
        state.held.remove(name);
        state.rejected.remove(name);
      }
    }
    if (ready) {
      pushAll();
    }
  }

  private boolean wants(TypeState state, String name) {
    return state.wildcard || state.names.contains(name);
  }

  @Override
  protected Turn respond(ResourceType type) {
    TypeState state = types.get(type);
    if (state == null || closed()) {
      return Turn.NOTHING;
    }
    TypeSnapshot snapshot = snapshot().of(type);
    Map<String, VersionedResource> updates = new TreeMap<>();
    if (state.wildcard) {
      snapshot.resources().forEach((name, resource) -> consider(state, name, resource, updates));
    }
    for (String name : state.names) {
      VersionedResource resource = snapshot.get(name);
      if (resource != null) {
        consider(state, name, resource, updates);
      }
    }
    Set<String> removals = new TreeSet<>();
    for (String name : state.held.keySet()) {
      if (wants(state, name) && snapshot.get(name) == null && !REMOVAL.equals(state.rejected.get(name))) {
        removals.add(name);
      }
    }
    if (updates.isEmpty() && removals.isEmpty() && !state.mustAnswer) {
      return Turn.NOTHING;
    }
    if (state.inFlight != null) {
      return Turn.WAITING;
    }
    state.mustAnswer = false;
    String nonce = nextNonce();
    DeltaDiscoveryResponse.Builder response =
        DeltaDiscoveryResponse.newBuilder()
            .setSystemVersionInfo(snapshot.version())
            .setTypeUrl(type.typeUrl())
            .setNonce(nonce)
            .setControlPlane(context.controlPlane());
    Map<String, String> sent = new HashMap<>();
    Map<String, String> before = new HashMap<>();
    for (VersionedResource resource : updates.values()) {
      response.addResources(
          Resource.newBuilder()
              .setName(resource.name())
              .setVersion(resource.version())
              .setResource(resource.packed()));
      sent.put(resource.name(), resource.version());
      before.put(resource.name(), state.held.put(resource.name(), resource.version()));
    }
    for (String name : removals) {
      response.addRemovedResources(name);
      sent.put(name, REMOVAL);
      before.put(name, state.held.remove(name));
    }
    state.inFlight = new InFlight(nonce, snapshot.version(), sent, before);
    send(response.build());
    return Turn.SENT;
  }

  private static void consider(
      TypeState state, String name, VersionedResource resource, Map<String, VersionedResource> updates) {
    String version = resource.version();
    if (!version.equals(state.held.get(name)) && !version.equals(state.rejected.get(name))) {
      updates.put(name, resource);
    }
  }
}
