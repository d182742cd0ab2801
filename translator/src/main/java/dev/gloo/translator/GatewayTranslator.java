package dev.gloo.translator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import dev.gloo.translator.HttpRouteTranslator.BuiltRoute;
import dev.gloo.translator.envoy.Envoy;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.model.Snapshot;
import dev.gloo.translator.plugins.OptionsPlugin;
import dev.gloo.translator.plugins.PluginContext;
import dev.gloo.translator.plugins.PolicySource;
import dev.gloo.translator.status.Condition;
import dev.gloo.translator.status.Reasons;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One Gateway: its listeners' validity and conflicts, which routes attach where, the Envoy
 * listeners, route configurations, clusters and secrets its proxies get, and the status of the
 * Gateway and of each route parent entry that names it.
 */
final class GatewayTranslator {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String HTTP = "HTTP";
  private static final String HTTPS = "HTTPS";

  private final Snapshot snapshot;
  private final NsName name;
  private final Gateway gateway;
  private final long generation;
  private final ReferenceGrants grants;
  private final Policies policies;
  private final List<OptionsPlugin> plugins;
  private final Backends backends;
  private final PluginContext ctx;

  /** A route parent entry naming this Gateway: the route and the index of the entry. */
  record Attachment(NsName route, HTTPRoute object, int parentIndex, ParentReference parent) {
    /** The Gateway the entry names (in the route's namespace unless it says otherwise). */
    NsName gateway() {
      return new NsName(parent.getNamespace() == null ? route.namespace() : parent.getNamespace(), parent.getName());
    }
  }

  /** What the Gateway's translation produced. */
  record Output(GatewayResources resources, ObjectNode gatewayStatus,
      SortedMap<NsName, SortedMap<Integer, ObjectNode>> routeParents) {}

  /** A listener as the spec judges it; only {@code programmed} ones reach Envoy. */
  private static final class ListenerState {
    final io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener spec;
    final List<Condition> conditions = new ArrayList<>();
    final List<ObjectNode> supportedKinds = new ArrayList<>();
    final List<String> secrets = new ArrayList<>();
    boolean accepted = true;
    boolean resolved = true;
    boolean conflicted;
    int attachedRoutes;
    /** Envoy routes per effective hostname, from the routes attached to this listener. */
    final Map<String, List<BuiltRoute>> routesByHost = new TreeMap<>();

    ListenerState(io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener spec) {
      this.spec = spec;
    }

    boolean programmed() {
      return accepted && resolved && !conflicted;
    }
  }

  GatewayTranslator(Snapshot snapshot, TranslatorSettings settings, NsName name, Gateway gateway,
      ReferenceGrants grants, Policies policies, List<OptionsPlugin> plugins,
      SortedMap<ObjectRef, List<String>> policyProblems) {
    this.snapshot = snapshot;
    this.name = name;
    this.gateway = gateway;
    this.generation = gateway.getMetadata().getGeneration() == null ? 0 : gateway.getMetadata().getGeneration();
    this.grants = grants;
    this.policies = policies;
    this.plugins = plugins;
    this.backends = new Backends(snapshot, grants);
    this.ctx = new PluginContext(snapshot, settings, this::upstreamCluster, backends::addCluster, policyProblems);
  }

  private io.envoyproxy.envoy.config.cluster.v3.Cluster upstreamCluster(String namespacedName) {
    NsName ref = NsName.parse(namespacedName);
    Backends.Resolution r = backends.resolve(Kinds.GATEWAY, ref.namespace(), Kinds.GLOO_GROUP, Kinds.UPSTREAM,
        ref.name(), ref.namespace(), null);
    return r.cluster().isEmpty() ? null : backends.clusters().stream()
        .filter(c -> c.getName().equals(r.cluster().get())).findFirst().orElse(null);
  }

  Output translate(List<Attachment> attachments) {
    List<ListenerState> listeners = new ArrayList<>();
    for (var l : Backends.list(gateway.getSpec() == null ? null : gateway.getSpec().getListeners())) {
      listeners.add(judge(l));
    }
    markConflicts(listeners);

    HttpRouteTranslator routes = new HttpRouteTranslator(backends, policies, plugins, ctx);
    SortedMap<NsName, SortedMap<Integer, ObjectNode>> parents = new TreeMap<>();
    Map<NsName, HttpRouteTranslator.Output> translated = new TreeMap<>();
    for (Attachment a : attachments) {
      HttpRouteTranslator.Output out = translated.computeIfAbsent(a.route(), r -> routes.translate(r, a.object()));
      parents.computeIfAbsent(a.route(), r -> new TreeMap<>()).put(a.parentIndex(), attach(a, out, listeners));
    }

    List<Listener> envoyListeners = new ArrayList<>();
    List<RouteConfiguration> routeConfigs = new ArrayList<>();
    Map<Integer, List<ListenerState>> byPort = new TreeMap<>();
    for (ListenerState l : listeners) {
      if (l.programmed()) {
        byPort.computeIfAbsent(l.spec.getPort(), p -> new ArrayList<>()).add(l);
      }
    }
    Map<Integer, List<VirtualHost.Builder>> vhostsByPort = new TreeMap<>();
    byPort.forEach((port, ls) -> vhostsByPort.put(port, virtualHosts(ls)));
    // Plugins learn what is used while routes and hosts are built; finish hosts afterwards.
    vhostsByPort.values().forEach(vs -> vs.forEach(v -> plugins.forEach(p -> p.finishVirtualHost(v, ctx))));
    List<HttpFilter> filters = new ArrayList<>();
    plugins.forEach(p -> filters.addAll(p.httpFilters(ctx)));
    filters.add(HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build());
    byPort.forEach((port, ls) -> {
      String resource = "listener~" + port;
      RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(resource);
      vhostsByPort.get(port).forEach(rc::addVirtualHosts);
      routeConfigs.add(rc.build());
      envoyListeners.add(listener(resource, port, ls, filters));
    });
    List<Secret> secrets = new ArrayList<>();
    new TreeMap<String, Secret>(secretsOf(listeners)).values().forEach(secrets::add);
    GatewayResources resources = new GatewayResources(envoyListeners, routeConfigs, backends.clusters(),
        backends.endpoints(), secrets);
    return new Output(resources, status(listeners), parents);
  }

  // ---- listeners -------------------------------------------------------------------------

  private ListenerState judge(io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener l) {
    ListenerState s = new ListenerState(l);
    String protocol = l.getProtocol() == null ? "" : l.getProtocol();
    if (!protocol.equals(HTTP) && !protocol.equals(HTTPS)) {
      s.accepted = false;
      s.conditions.add(Condition.failed(Reasons.ACCEPTED, Reasons.UNSUPPORTED_PROTOCOL,
          "protocol " + protocol + " is not supported (HTTP and HTTPS are)", generation));
    }
    List<RouteGroupKind> kinds = l.getAllowedRoutes() == null ? List.of() : Backends.list(l.getAllowedRoutes().getKinds());
    if (kinds.isEmpty()) {
      s.supportedKinds.add(kind(Kinds.HTTP_ROUTE));
    }
    boolean invalidKind = false;
    for (RouteGroupKind k : kinds) {
      String group = k.getGroup() == null ? Kinds.GATEWAY_GROUP : k.getGroup();
      if (group.equals(Kinds.GATEWAY_GROUP) && Kinds.HTTP_ROUTE.equals(k.getKind())) {
        s.supportedKinds.add(kind(Kinds.HTTP_ROUTE));
      } else {
        invalidKind = true;
      }
    }
    if (invalidKind) {
      s.resolved = false;
      s.conditions.add(Condition.failed(Reasons.RESOLVED_REFS, Reasons.INVALID_ROUTE_KINDS,
          "only HTTPRoute (gateway.networking.k8s.io) can attach", generation));
    }
    if (protocol.equals(HTTPS)) {
      checkTls(s);
    }
    return s;
  }

  private void checkTls(ListenerState s) {
    var tls = s.spec.getTls();
    if (tls == null || (tls.getMode() != null && !tls.getMode().equals("Terminate"))) {
      s.accepted = false;
      s.conditions.add(Condition.failed(Reasons.ACCEPTED, Reasons.UNSUPPORTED_PROTOCOL,
          "HTTPS listeners need tls.mode Terminate with certificateRefs", generation));
      return;
    }
    List<SecretObjectReference> refs = Backends.list(tls.getCertificateRefs());
    if (refs.isEmpty()) {
      s.resolved = false;
      s.conditions.add(Condition.failed(Reasons.RESOLVED_REFS, Reasons.INVALID_CERTIFICATE_REF,
          "tls.certificateRefs is empty", generation));
    }
    for (SecretObjectReference ref : refs) {
      String group = ref.getGroup() == null ? "" : ref.getGroup();
      String kind = ref.getKind() == null ? Kinds.SECRET : ref.getKind();
      String ns = ref.getNamespace() == null ? name.namespace() : ref.getNamespace();
      String problem = null;
      String reason = Reasons.INVALID_CERTIFICATE_REF;
      var secret = snapshot.secrets.get(new NsName(ns, ref.getName()));
      if (!group.isEmpty() || !kind.equals(Kinds.SECRET)) {
        problem = "certificateRefs must name Secrets, not " + kind;
      } else if (!grants.permits(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, name.namespace(), "", Kinds.SECRET, ns, ref.getName())) {
        reason = Reasons.REF_NOT_PERMITTED;
        problem = "no ReferenceGrant in " + ns + " allows this Gateway to use Secret " + ref.getName();
      } else if (secret == null) {
        problem = "Secret " + ns + "/" + ref.getName() + " not found";
      } else if (secret.getData() == null || !secret.getData().containsKey("tls.crt") || !secret.getData().containsKey("tls.key")) {
        problem = "Secret " + ns + "/" + ref.getName() + " has no tls.crt and tls.key";
      }
      if (problem != null) {
        s.resolved = false;
        s.conditions.add(Condition.failed(Reasons.RESOLVED_REFS, reason, problem, generation));
      } else {
        s.secrets.add(ns + "/" + ref.getName());
      }
    }
  }

  private static ObjectNode kind(String kind) {
    ObjectNode k = JSON.objectNode();
    k.put("group", Kinds.GATEWAY_GROUP);
    k.put("kind", kind);
    return k;
  }

  /** Listeners on one port must share a protocol; on one port and protocol, their hostnames must differ. */
  private void markConflicts(List<ListenerState> listeners) {
    Map<Integer, List<ListenerState>> byPort = new TreeMap<>();
    listeners.forEach(l -> byPort.computeIfAbsent(l.spec.getPort(), p -> new ArrayList<>()).add(l));
    for (List<ListenerState> same : byPort.values()) {
      boolean mixed = same.stream().map(l -> String.valueOf(l.spec.getProtocol())).distinct().count() > 1;
      Map<String, Integer> hostCount = new TreeMap<>();
      same.forEach(l -> hostCount.merge(String.valueOf(l.spec.getHostname()), 1, Integer::sum));
      for (ListenerState l : same) {
        if (mixed) {
          l.conflicted = true;
          l.conditions.add(Condition.ok(Reasons.CONFLICTED, Reasons.PROTOCOL_CONFLICT,
              "another listener on port " + l.spec.getPort() + " uses a different protocol", generation));
        } else if (hostCount.get(String.valueOf(l.spec.getHostname())) > 1) {
          l.conflicted = true;
          l.conditions.add(Condition.ok(Reasons.CONFLICTED, Reasons.HOSTNAME_CONFLICT,
              "another listener on port " + l.spec.getPort() + " has the same hostname", generation));
        }
      }
    }
  }

  // ---- route attachment -----------------------------------------------------------------

  private ObjectNode attach(Attachment a, HttpRouteTranslator.Output out, List<ListenerState> listeners) {
    ParentReference p = a.parent();
    long routeGeneration = a.object().getMetadata().getGeneration() == null ? 0 : a.object().getMetadata().getGeneration();
    List<ListenerState> candidates = new ArrayList<>();
    for (ListenerState l : listeners) {
      if ((p.getSectionName() == null || p.getSectionName().equals(l.spec.getName()))
          && (p.getPort() == null || p.getPort().equals(l.spec.getPort())) && l.accepted) {
        candidates.add(l);
      }
    }
    Condition accepted;
    if (candidates.isEmpty()) {
      accepted = Condition.failed(Reasons.ACCEPTED, Reasons.NO_MATCHING_PARENT,
          "no listener of Gateway " + name + " matches sectionName/port", routeGeneration);
    } else {
      List<ListenerState> allowed = new ArrayList<>();
      for (ListenerState l : candidates) {
        if (allows(l, a.route().namespace())) {
          allowed.add(l);
        }
      }
      List<String> routeHosts = a.object().getSpec() == null ? List.of() : Backends.list(a.object().getSpec().getHostnames());
      boolean anyHost = false;
      for (ListenerState l : allowed) {
        List<String> hosts = Hostnames.intersect(l.spec.getHostname(), routeHosts);
        if (hosts.isEmpty()) {
          continue;
        }
        anyHost = true;
        l.attachedRoutes++;
        for (String h : hosts) {
          l.routesByHost.computeIfAbsent(h, k -> new ArrayList<>()).addAll(out.routes());
        }
      }
      if (allowed.isEmpty()) {
        accepted = Condition.failed(Reasons.ACCEPTED, Reasons.NOT_ALLOWED_BY_LISTENERS,
            "the listeners of Gateway " + name + " do not allow routes from namespace " + a.route().namespace(),
            routeGeneration);
      } else if (!anyHost) {
        accepted = Condition.failed(Reasons.ACCEPTED, Reasons.NO_MATCHING_LISTENER_HOSTNAME,
            "no hostname of the route matches a listener of Gateway " + name, routeGeneration);
      } else {
        accepted = Condition.ok(Reasons.ACCEPTED, Reasons.ACCEPTED, "", routeGeneration);
      }
    }
    Condition resolved = out.refsResolved()
        ? Condition.ok(Reasons.RESOLVED_REFS, Reasons.RESOLVED_REFS, "", routeGeneration)
        : Condition.failed(Reasons.RESOLVED_REFS, out.refsReason(), out.refsMessage(), routeGeneration);
    ObjectNode parent = JSON.objectNode();
    ObjectNode ref = parent.putObject("parentRef");
    ref.put("group", p.getGroup() == null ? Kinds.GATEWAY_GROUP : p.getGroup());
    ref.put("kind", p.getKind() == null ? Kinds.GATEWAY : p.getKind());
    ref.put("name", p.getName());
    if (p.getNamespace() != null) {
      ref.put("namespace", p.getNamespace());
    }
    if (p.getSectionName() != null) {
      ref.put("sectionName", p.getSectionName());
    }
    if (p.getPort() != null) {
      ref.put("port", p.getPort());
    }
    parent.put("controllerName", ctx.settings.controllerName());
    ArrayNode conditions = parent.putArray("conditions");
    conditions.add(accepted.toJson());
    conditions.add(resolved.toJson());
    return parent;
  }

  private boolean allows(ListenerState l, String routeNamespace) {
    if (l.supportedKinds.isEmpty()) {
      return false;
    }
    var ns = l.spec.getAllowedRoutes() == null ? null : l.spec.getAllowedRoutes().getNamespaces();
    String from = ns == null || ns.getFrom() == null ? "Same" : ns.getFrom();
    switch (from) {
      case "All":
        return true;
      case "Selector":
        Namespace namespace = snapshot.namespaces.get(routeNamespace);
        return ns.getSelector() != null && namespace != null
            && Selectors.matches(ns.getSelector(), namespace.getMetadata().getLabels());
      default:
        return routeNamespace.equals(name.namespace());
    }
  }

  // ---- Envoy resources -------------------------------------------------------------------

  /** Virtual hosts of one port: one per hostname, its routes in the spec's precedence order. */
  private List<VirtualHost.Builder> virtualHosts(List<ListenerState> listeners) {
    Map<String, List<BuiltRoute>> routesByHost = new TreeMap<>();
    Map<String, ListenerState> ownerByHost = new TreeMap<>();
    for (ListenerState l : listeners) {
      l.routesByHost.forEach((host, rs) -> {
        routesByHost.computeIfAbsent(host, h -> new ArrayList<>()).addAll(rs);
        ownerByHost.putIfAbsent(host, l);
      });
    }
    List<VirtualHost.Builder> out = new ArrayList<>();
    routesByHost.forEach((host, rs) -> {
      List<BuiltRoute> sorted = new ArrayList<>(rs);
      sorted.sort((x, y) -> RouteMatches.Precedence.ORDER.compare(x.precedence(), y.precedence()));
      VirtualHost.Builder vh = VirtualHost.newBuilder().setName(host).addDomains(host);
      for (BuiltRoute r : sorted) {
        vh.addRoutes(r.route());
      }
      List<ObjectRef> vhos = policies.virtualHostOptionsFor(name, ownerByHost.get(host).spec.getName());
      for (PolicySource source : policies.combine(vhos)) {
        plugins.forEach(p -> p.applyToVirtualHost(source, vh, ctx));
      }
      out.add(vh);
    });
    return out;
  }

  private Listener listener(String resource, int port, List<ListenerState> ls, List<HttpFilter> filters) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(resource)
        .setRds(Rds.newBuilder().setRouteConfigName(resource).setConfigSource(Envoy.ads()))
        .addAllHttpFilters(filters)
        .setStripAnyHostPort(true)
        .setNormalizePath(BoolValue.of(true))
        .build();
    Filter hcmFilter = Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(hcm)).build();
    Listener.Builder b = Listener.newBuilder().setName(resource).setAddress(Envoy.socket("0.0.0.0", port));
    if (!HTTPS.equals(ls.get(0).spec.getProtocol())) {
      return b.addFilterChains(FilterChain.newBuilder().addFilters(hcmFilter)).build();
    }
    b.addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
        .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
    List<ListenerState> sorted = new ArrayList<>(ls);
    sorted.sort((x, y) -> String.valueOf(x.spec.getHostname()).compareTo(String.valueOf(y.spec.getHostname())));
    for (ListenerState l : sorted) {
      CommonTlsContext.Builder common = CommonTlsContext.newBuilder().addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
      l.secrets.forEach(s -> common.addTlsCertificateSdsSecretConfigs(Envoy.sdsSecret(s)));
      FilterChain.Builder chain = FilterChain.newBuilder().setName(l.spec.getName()).addFilters(hcmFilter)
          .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
              .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder().setCommonTlsContext(common).build())));
      if (l.spec.getHostname() != null) {
        chain.setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(l.spec.getHostname()));
      }
      b.addFilterChains(chain);
    }
    return b.build();
  }

  private Map<String, Secret> secretsOf(List<ListenerState> listeners) {
    Map<String, Secret> out = new LinkedHashMap<>();
    for (ListenerState l : listeners) {
      if (!l.programmed()) {
        continue;
      }
      for (String ref : l.secrets) {
        var data = snapshot.secrets.get(NsName.parse(ref)).getData();
        out.put(ref, Secret.newBuilder().setName(ref).setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(inline(data.get("tls.crt")))
            .setPrivateKey(inline(data.get("tls.key")))).build());
      }
    }
    return out;
  }

  private static DataSource inline(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    return DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(bytes)).build();
  }

  // ---- status ----------------------------------------------------------------------------

  private ObjectNode status(List<ListenerState> listeners) {
    ObjectNode status = JSON.objectNode();
    boolean anyProgrammed = listeners.stream().anyMatch(ListenerState::programmed);
    ArrayNode conditions = status.putArray("conditions");
    conditions.add(Condition.ok(Reasons.ACCEPTED, Reasons.ACCEPTED, "", generation).toJson());
    conditions.add((anyProgrammed
        ? Condition.ok(Reasons.PROGRAMMED, Reasons.PROGRAMMED, "", generation)
        : Condition.failed(Reasons.PROGRAMMED, Reasons.INVALID, "no listener is valid", generation)).toJson());
    ArrayNode ls = status.putArray("listeners");
    for (ListenerState l : listeners) {
      ObjectNode n = ls.addObject();
      n.put("name", l.spec.getName());
      ArrayNode kinds = n.putArray("supportedKinds");
      l.supportedKinds.forEach(kinds::add);
      n.put("attachedRoutes", l.attachedRoutes);
      Map<String, Condition> byType = new TreeMap<>();
      for (Condition c : l.conditions) {
        byType.putIfAbsent(c.type(), c);
      }
      byType.putIfAbsent(Reasons.ACCEPTED, Condition.ok(Reasons.ACCEPTED, Reasons.ACCEPTED, "", generation));
      byType.putIfAbsent(Reasons.CONFLICTED, Condition.failed(Reasons.CONFLICTED, Reasons.NO_CONFLICTS, "", generation));
      byType.putIfAbsent(Reasons.RESOLVED_REFS, Condition.ok(Reasons.RESOLVED_REFS, Reasons.RESOLVED_REFS, "", generation));
      byType.put(Reasons.PROGRAMMED, l.programmed()
          ? Condition.ok(Reasons.PROGRAMMED, Reasons.PROGRAMMED, "", generation)
          : Condition.failed(Reasons.PROGRAMMED, Reasons.INVALID, "the listener is not valid; see its other conditions",
              generation));
      ArrayNode cs = n.putArray("conditions");
      byType.values().forEach(c -> cs.add(c.toJson()));
    }
    return status;
  }
}
