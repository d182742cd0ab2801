package dev.gloo.translator.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A read-only, consistent view of every object the translator reads, at one store revision.
 * Gateway API and core kinds are typed (fabric8 models); Gloo's policy kinds stay JSON, read
 * by their plugins. Every map is sorted, so iteration order (and so the output) never depends
 * on arrival order. {@link Builder#build} gives an immutable copy; {@link Builder#view} a view
 * of a builder that its owner keeps changing between translations.
 */
public final class Snapshot {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public final long revision;
  public final SortedMap<String, GatewayClass> gatewayClasses;
  public final SortedMap<NsName, Gateway> gateways;
  public final SortedMap<NsName, HTTPRoute> httpRoutes;
  public final SortedMap<NsName, ReferenceGrant> referenceGrants;
  public final SortedMap<NsName, Service> services;
  /** EndpointSlices grouped by the Service named in their {@code kubernetes.io/service-name} label. */
  public final SortedMap<NsName, List<EndpointSlice>> endpointSlices;
  public final SortedMap<NsName, Secret> secrets;
  public final SortedMap<String, Namespace> namespaces;
  public final SortedMap<NsName, JsonNode> upstreams;
  public final SortedMap<NsName, JsonNode> routeOptions;
  public final SortedMap<NsName, JsonNode> virtualHostOptions;
  public final SortedMap<NsName, JsonNode> authConfigs;
  public final SortedMap<NsName, JsonNode> rateLimitConfigs;

  private Snapshot(Builder b, long revision, boolean copy) {
    this.revision = revision;
    gatewayClasses = sorted(b.gatewayClasses, copy);
    gateways = sorted(b.gateways, copy);
    httpRoutes = sorted(b.httpRoutes, copy);
    referenceGrants = sorted(b.referenceGrants, copy);
    services = sorted(b.services, copy);
    endpointSlices = b.slicesByService();
    secrets = sorted(b.secrets, copy);
    namespaces = sorted(b.namespaces, copy);
    upstreams = sorted(b.upstreams, copy);
    routeOptions = sorted(b.routeOptions, copy);
    virtualHostOptions = sorted(b.virtualHostOptions, copy);
    authConfigs = sorted(b.authConfigs, copy);
    rateLimitConfigs = sorted(b.rateLimitConfigs, copy);
  }

  private static <K, V> SortedMap<K, V> sorted(TreeMap<K, V> map, boolean copy) {
    return Collections.unmodifiableSortedMap(copy ? new TreeMap<>(map) : map);
  }

  public static Builder builder(long revision) {
    return new Builder(revision);
  }

  /**
   * One object in the form the snapshot holds it: typed for Gateway API and core kinds, JSON for
   * Gloo's kinds. {@code kind} is one of {@link Kinds}.
   */
  public record Entry(String kind, NsName key, Object value) {}

  /**
   * Converts a stored object (JSON with apiVersion and kind) for {@link Builder#add(Entry)}; null
   * for kinds the translator does not read.
   *
   * @throws IllegalArgumentException when the JSON does not fit the kind's model
   */
  public static Entry entry(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String kind = object.path("kind").asText();
    JsonNode meta = object.path("metadata");
    NsName key = new NsName(meta.path("namespace").asText(""), meta.path("name").asText());
    switch (group + "/" + kind) {
      case Kinds.GATEWAY_GROUP + "/" + Kinds.GATEWAY_CLASS:
        return new Entry(kind, key, convert(object, GatewayClass.class));
      case Kinds.GATEWAY_GROUP + "/" + Kinds.GATEWAY:
        return new Entry(kind, key, convert(object, Gateway.class));
      case Kinds.GATEWAY_GROUP + "/" + Kinds.HTTP_ROUTE:
        return new Entry(kind, key, convert(object, HTTPRoute.class));
      case Kinds.GATEWAY_GROUP + "/" + Kinds.REFERENCE_GRANT:
        return new Entry(kind, key, convert(object, ReferenceGrant.class));
      case "/" + Kinds.SERVICE:
        return new Entry(kind, key, convert(object, Service.class));
      case Kinds.DISCOVERY_GROUP + "/" + Kinds.ENDPOINT_SLICE:
        return new Entry(kind, key, convert(object, EndpointSlice.class));
      case "/" + Kinds.SECRET:
        return new Entry(kind, key, convert(object, Secret.class));
      case "/" + Kinds.NAMESPACE:
        return new Entry(kind, key, convert(object, Namespace.class));
      case Kinds.GLOO_GROUP + "/" + Kinds.UPSTREAM:
      case Kinds.GLOO_GATEWAY_GROUP + "/" + Kinds.ROUTE_OPTION:
      case Kinds.GLOO_GATEWAY_GROUP + "/" + Kinds.VIRTUAL_HOST_OPTION:
      case Kinds.EXTAUTH_GROUP + "/" + Kinds.AUTH_CONFIG:
      case Kinds.RATELIMIT_GROUP + "/" + Kinds.RATE_LIMIT_CONFIG:
        return new Entry(kind, key, object);
      default:
        return null;
    }
  }

  /**
   * The typed form of an object, without the metadata the translator never reads (annotations,
   * which with kubectl's last-applied-configuration hold a second copy of the object, and
   * managedFields): every node keeps every object in this form, so it is kept small.
   */
  private static <T> T convert(JsonNode object, Class<T> type) {
    try {
      return JSON.treeToValue(withoutUnreadMetadata(object), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read " + object.path("kind").asText() + " "
          + object.path("metadata").path("name").asText() + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode withoutUnreadMetadata(JsonNode object) {
    JsonNode meta = object.path("metadata");
    if (!(object instanceof ObjectNode root) || !(meta instanceof ObjectNode m)
        || (!m.has("annotations") && !m.has("managedFields"))) {
      return object;
    }
    // Shallow copies of the two levels that change; the caller's tree is left as it was.
    ObjectNode metaCopy = m.objectNode();
    metaCopy.setAll(m);
    metaCopy.remove(List.of("annotations", "managedFields"));
    ObjectNode copy = root.objectNode();
    copy.setAll(root);
    copy.set("metadata", metaCopy);
    return copy;
  }

  /**
   * Collects objects; {@link #add} takes them as stored (JSON with apiVersion and kind). A
   * builder may be kept and changed between builds (the controller keeps one up to date with
   * the store, so that each snapshot costs a copy, not a sort).
   */
  public static final class Builder {
    private final long revision;
    private final TreeMap<String, GatewayClass> gatewayClasses = new TreeMap<>();
    private final TreeMap<NsName, Gateway> gateways = new TreeMap<>();
    private final TreeMap<NsName, HTTPRoute> httpRoutes = new TreeMap<>();
    private final TreeMap<NsName, ReferenceGrant> referenceGrants = new TreeMap<>();
    private final TreeMap<NsName, Service> services = new TreeMap<>();
    private final TreeMap<NsName, EndpointSlice> endpointSlices = new TreeMap<>();
    private final TreeMap<NsName, Secret> secrets = new TreeMap<>();
    private final TreeMap<String, Namespace> namespaces = new TreeMap<>();
    private final TreeMap<NsName, JsonNode> upstreams = new TreeMap<>();
    private final TreeMap<NsName, JsonNode> routeOptions = new TreeMap<>();
    private final TreeMap<NsName, JsonNode> virtualHostOptions = new TreeMap<>();
    private final TreeMap<NsName, JsonNode> authConfigs = new TreeMap<>();
    private final TreeMap<NsName, JsonNode> rateLimitConfigs = new TreeMap<>();
    /** {@link #endpointSlices} grouped by Service; null after a change to them. */
    private SortedMap<NsName, List<EndpointSlice>> slicesByService;

    private Builder(long revision) {
      this.revision = revision;
    }

    /** Adds one object (JSON as stored, with apiVersion and kind); other kinds are ignored. */
    public boolean add(JsonNode object) {
      Entry e = entry(object);
      if (e != null) {
        add(e);
      }
      return e != null;
    }

    /** Adds an object converted earlier by {@link Snapshot#entry} (callers cache entries). */
    public void add(Entry e) {
      NsName key = e.key();
      Object v = e.value();
      switch (e.kind()) {
        case Kinds.GATEWAY_CLASS:
          gatewayClasses.put(key.name(), (GatewayClass) v);
          break;
        case Kinds.GATEWAY:
          gateways.put(key, (Gateway) v);
          break;
        case Kinds.HTTP_ROUTE:
          httpRoutes.put(key, (HTTPRoute) v);
          break;
        case Kinds.REFERENCE_GRANT:
          referenceGrants.put(key, (ReferenceGrant) v);
          break;
        case Kinds.SERVICE:
          services.put(key, (Service) v);
          break;
        case Kinds.ENDPOINT_SLICE:
          endpointSlices.put(key, (EndpointSlice) v);
          slicesByService = null;
          break;
        case Kinds.SECRET:
          secrets.put(key, (Secret) v);
          break;
        case Kinds.NAMESPACE:
          namespaces.put(key.name(), (Namespace) v);
          break;
        case Kinds.UPSTREAM:
          upstreams.put(key, (JsonNode) v);
          break;
        case Kinds.ROUTE_OPTION:
          routeOptions.put(key, (JsonNode) v);
          break;
        case Kinds.VIRTUAL_HOST_OPTION:
          virtualHostOptions.put(key, (JsonNode) v);
          break;
        case Kinds.AUTH_CONFIG:
          authConfigs.put(key, (JsonNode) v);
          break;
        case Kinds.RATE_LIMIT_CONFIG:
          rateLimitConfigs.put(key, (JsonNode) v);
          break;
        default:
          throw new IllegalArgumentException("not a kind the translator reads: " + e.kind());
      }
    }

    /** Takes out what {@link #add(Entry)} put in under that kind and key; false if nothing was there. */
    public boolean remove(String kind, NsName key) {
      Object gone = switch (kind) {
        case Kinds.GATEWAY_CLASS -> gatewayClasses.remove(key.name());
        case Kinds.NAMESPACE -> namespaces.remove(key.name());
        case Kinds.ENDPOINT_SLICE -> {
          slicesByService = null;
          yield endpointSlices.remove(key);
        }
        default -> namespaced(kind).remove(key);
      };
      return gone != null;
    }

    /** The HTTPRoute held under that name, or null. */
    public HTTPRoute httpRoute(NsName key) {
      return httpRoutes.get(key);
    }

    private Map<NsName, ?> namespaced(String kind) {
      return switch (kind) {
        case Kinds.GATEWAY -> gateways;
        case Kinds.HTTP_ROUTE -> httpRoutes;
        case Kinds.REFERENCE_GRANT -> referenceGrants;
        case Kinds.SERVICE -> services;
        case Kinds.SECRET -> secrets;
        case Kinds.UPSTREAM -> upstreams;
        case Kinds.ROUTE_OPTION -> routeOptions;
        case Kinds.VIRTUAL_HOST_OPTION -> virtualHostOptions;
        case Kinds.AUTH_CONFIG -> authConfigs;
        case Kinds.RATE_LIMIT_CONFIG -> rateLimitConfigs;
        default -> throw new IllegalArgumentException("not a kind the translator reads: " + kind);
      };
    }

    public Snapshot build() {
      return build(revision);
    }

    /** A snapshot of what the builder holds now, labelled with {@code revision}: a copy. */
    public Snapshot build(long revision) {
      return new Snapshot(this, revision, true);
    }

    /**
     * What the builder holds now, labelled with {@code revision}, without a copy: the maps are
     * read-only views of the builder's, so the view is valid only until the builder next
     * changes (for the one thread that owns both, e.g. the controller's).
     */
    public Snapshot view(long revision) {
      return new Snapshot(this, revision, false);
    }

    private SortedMap<NsName, List<EndpointSlice>> slicesByService() {
      if (slicesByService == null) {
        SortedMap<NsName, List<EndpointSlice>> slices = new TreeMap<>();
        endpointSlices.forEach((ref, slice) -> {
          Map<String, String> labels = slice.getMetadata().getLabels();
          String service = labels == null ? null : labels.get("kubernetes.io/service-name");
          if (service != null) {
            slices.computeIfAbsent(new NsName(ref.namespace(), service), k -> new ArrayList<>()).add(slice);
          }
        });
        slices.replaceAll((k, v) -> List.copyOf(v));
        slicesByService = Collections.unmodifiableSortedMap(slices);
      }
      return slicesByService;
    }
  }
}
