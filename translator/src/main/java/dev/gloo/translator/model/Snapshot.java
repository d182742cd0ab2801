package dev.gloo.translator.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * An immutable, consistent view of every object the translator reads, at one store revision.
 * Gateway API and core kinds are typed (fabric8 models); Gloo's policy kinds stay JSON, read
 * by their plugins. Every map is sorted, so iteration order (and so the output) never depends
 * on arrival order.
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

  private Snapshot(Builder b) {
    revision = b.revision;
    gatewayClasses = Collections.unmodifiableSortedMap(new TreeMap<>(b.gatewayClasses));
    gateways = Collections.unmodifiableSortedMap(new TreeMap<>(b.gateways));
    httpRoutes = Collections.unmodifiableSortedMap(new TreeMap<>(b.httpRoutes));
    referenceGrants = Collections.unmodifiableSortedMap(new TreeMap<>(b.referenceGrants));
    services = Collections.unmodifiableSortedMap(new TreeMap<>(b.services));
    SortedMap<NsName, List<EndpointSlice>> slices = new TreeMap<>();
    b.endpointSlices.forEach((ref, slice) -> {
      Map<String, String> labels = slice.getMetadata().getLabels();
      String service = labels == null ? null : labels.get("kubernetes.io/service-name");
      if (service != null) {
        slices.computeIfAbsent(new NsName(ref.namespace(), service), k -> new ArrayList<>()).add(slice);
      }
    });
    slices.replaceAll((k, v) -> List.copyOf(v));
    endpointSlices = Collections.unmodifiableSortedMap(slices);
    secrets = Collections.unmodifiableSortedMap(new TreeMap<>(b.secrets));
    namespaces = Collections.unmodifiableSortedMap(new TreeMap<>(b.namespaces));
    upstreams = Collections.unmodifiableSortedMap(new TreeMap<>(b.upstreams));
    routeOptions = Collections.unmodifiableSortedMap(new TreeMap<>(b.routeOptions));
    virtualHostOptions = Collections.unmodifiableSortedMap(new TreeMap<>(b.virtualHostOptions));
    authConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(b.authConfigs));
    rateLimitConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(b.rateLimitConfigs));
  }

  public static Builder builder(long revision) {
    return new Builder(revision);
  }

  /** Collects objects; {@link #add} takes them as stored (JSON with apiVersion and kind). */
  public static final class Builder {
    private final long revision;
    private final Map<String, GatewayClass> gatewayClasses = new TreeMap<>();
    private final Map<NsName, Gateway> gateways = new TreeMap<>();
    private final Map<NsName, HTTPRoute> httpRoutes = new TreeMap<>();
    private final Map<NsName, ReferenceGrant> referenceGrants = new TreeMap<>();
    private final Map<NsName, Service> services = new TreeMap<>();
    private final Map<NsName, EndpointSlice> endpointSlices = new TreeMap<>();
    private final Map<NsName, Secret> secrets = new TreeMap<>();
    private final Map<String, Namespace> namespaces = new TreeMap<>();
    private final Map<NsName, JsonNode> upstreams = new TreeMap<>();
    private final Map<NsName, JsonNode> routeOptions = new TreeMap<>();
    private final Map<NsName, JsonNode> virtualHostOptions = new TreeMap<>();
    private final Map<NsName, JsonNode> authConfigs = new TreeMap<>();
    private final Map<NsName, JsonNode> rateLimitConfigs = new TreeMap<>();

    private Builder(long revision) {
      this.revision = revision;
    }

    /**
     * Adds one object. Kinds the translator does not read are ignored; an object whose JSON
     * does not fit its model is ignored too (the API validated it, so this only happens for
     * fields newer than the models, which are kept as additional properties anyway).
     *
     * @return whether the object is one the translator reads
     */
    public boolean add(JsonNode object) {
      String apiVersion = object.path("apiVersion").asText();
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      String kind = object.path("kind").asText();
      JsonNode meta = object.path("metadata");
      NsName key = new NsName(meta.path("namespace").asText(""), meta.path("name").asText());
      switch (group + "/" + kind) {
        case Kinds.GATEWAY_GROUP + "/" + Kinds.GATEWAY_CLASS:
          gatewayClasses.put(key.name(), convert(object, GatewayClass.class));
          return true;
        case Kinds.GATEWAY_GROUP + "/" + Kinds.GATEWAY:
          gateways.put(key, convert(object, Gateway.class));
          return true;
        case Kinds.GATEWAY_GROUP + "/" + Kinds.HTTP_ROUTE:
          httpRoutes.put(key, convert(object, HTTPRoute.class));
          return true;
        case Kinds.GATEWAY_GROUP + "/" + Kinds.REFERENCE_GRANT:
          referenceGrants.put(key, convert(object, ReferenceGrant.class));
          return true;
        case "/" + Kinds.SERVICE:
          services.put(key, convert(object, Service.class));
          return true;
        case Kinds.DISCOVERY_GROUP + "/" + Kinds.ENDPOINT_SLICE:
          endpointSlices.put(key, convert(object, EndpointSlice.class));
          return true;
        case "/" + Kinds.SECRET:
          secrets.put(key, convert(object, Secret.class));
          return true;
        case "/" + Kinds.NAMESPACE:
          namespaces.put(key.name(), convert(object, Namespace.class));
          return true;
        case Kinds.GLOO_GROUP + "/" + Kinds.UPSTREAM:
          upstreams.put(key, object);
          return true;
        case Kinds.GLOO_GATEWAY_GROUP + "/" + Kinds.ROUTE_OPTION:
          routeOptions.put(key, object);
          return true;
        case Kinds.GLOO_GATEWAY_GROUP + "/" + Kinds.VIRTUAL_HOST_OPTION:
          virtualHostOptions.put(key, object);
          return true;
        case Kinds.EXTAUTH_GROUP + "/" + Kinds.AUTH_CONFIG:
          authConfigs.put(key, object);
          return true;
        case Kinds.RATELIMIT_GROUP + "/" + Kinds.RATE_LIMIT_CONFIG:
          rateLimitConfigs.put(key, object);
          return true;
        default:
          return false;
      }
    }

    public Snapshot build() {
      return new Snapshot(this);
    }

    private static <T> T convert(JsonNode object, Class<T> type) {
      try {
        return JSON.treeToValue(object, type);
      } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot read " + object.path("kind").asText() + " "
            + object.path("metadata").path("name").asText() + ": " + e.getMessage(), e);
      }
    }
  }
}
