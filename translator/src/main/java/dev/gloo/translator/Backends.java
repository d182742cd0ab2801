package dev.gloo.translator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.translator.envoy.Envoy;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.Snapshot;
import dev.gloo.translator.status.Reasons;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns backend references (a Service and port, or a Gloo Upstream) into Envoy clusters and
 * their endpoints. Cluster names are derived from the backend alone, so every route that uses
 * the same backend shares one cluster.
 */
final class Backends {
  private final Snapshot snapshot;
  private final ReferenceGrants grants;
  /** Clusters (and, for Services, their endpoints) used by the Gateway being translated. */
  private final Map<String, Cluster> clusters = new TreeMap<>();
  private final Map<String, ClusterLoadAssignment> endpoints = new TreeMap<>();

  Backends(Snapshot snapshot, ReferenceGrants grants) {
    this.snapshot = snapshot;
    this.grants = grants;
  }

  /** A resolved backend: the cluster to send to, or why there is none. */
  record Resolution(Optional<String> cluster, String reason, String message) {
    static Resolution ok(String cluster) {
      return new Resolution(Optional.of(cluster), Reasons.RESOLVED_REFS, "");
    }

    static Resolution failed(String reason, String message) {
      return new Resolution(Optional.empty(), reason, message);
    }
  }

  /**
   * Resolves one backend reference made by an object of {@code fromKind} in {@code fromNamespace}.
   * {@code group} and {@code kind} are as written (null means the core Service).
   */
  Resolution resolve(String fromKind, String fromNamespace, String group, String kind, String name,
      String namespace, Integer port) {
    String g = group == null ? "" : group;
    String k = kind == null ? Kinds.SERVICE : kind;
    String ns = namespace == null || namespace.isEmpty() ? fromNamespace : namespace;
    boolean service = g.isEmpty() && k.equals(Kinds.SERVICE);
    boolean upstream = g.equals(Kinds.GLOO_GROUP) && k.equals(Kinds.UPSTREAM);
    if (!service && !upstream) {
      return Resolution.failed(Reasons.INVALID_KIND, "backend kind " + (g.isEmpty() ? "" : g + "/") + k
          + " is not supported (use a Service or a gloo.solo.io Upstream)");
    }
    if (!grants.permits(Kinds.GATEWAY_GROUP, fromKind, fromNamespace, g, k, ns, name)) {
      return Resolution.failed(Reasons.REF_NOT_PERMITTED, "no ReferenceGrant in namespace " + ns
          + " allows " + fromKind + " in " + fromNamespace + " to refer to " + k + " " + name);
    }
    return service ? service(new NsName(ns, name), port) : upstream(new NsName(ns, name));
  }

  private Resolution service(NsName ref, Integer port) {
    Service svc = snapshot.services.get(ref);
    if (svc == null) {
      return Resolution.failed(Reasons.BACKEND_NOT_FOUND, "Service " + ref + " not found");
    }
    if (port == null) {
      return Resolution.failed(Reasons.UNSUPPORTED_VALUE, "backendRef to Service " + ref + " needs a port");
    }
    ServicePort servicePort = null;
    for (ServicePort p : list(svc.getSpec() == null ? null : svc.getSpec().getPorts())) {
      if (port.equals(p.getPort())) {
        servicePort = p;
      }
    }
    if (servicePort == null) {
      return Resolution.failed(Reasons.BACKEND_NOT_FOUND, "Service " + ref + " has no port " + port);
    }
    String name = "kube_" + ref.namespace() + "_" + ref.name() + "_" + port;
    if (!clusters.containsKey(name)) {
      clusters.put(name, Envoy.edsCluster(name));
      endpoints.put(name, serviceEndpoints(name, ref, servicePort));
    }
    return Resolution.ok(name);
  }

  /**
   * The ready endpoints of a Service port, from its EndpointSlices. A slice port is matched by
   * the Service port's name; a slice whose only port is unnamed serves an unnamed Service port.
   */
  private ClusterLoadAssignment serviceEndpoints(String cluster, NsName ref, ServicePort servicePort) {
    List<LbEndpoint> lbEndpoints = new ArrayList<>();
    String portName = servicePort.getName() == null ? "" : servicePort.getName();
    for (EndpointSlice slice : snapshot.endpointSlices.getOrDefault(ref, List.of())) {
      Integer targetPort = null;
      for (EndpointPort p : list(slice.getPorts())) {
        if (portName.equals(p.getName() == null ? "" : p.getName())) {
          targetPort = p.getPort();
        }
      }
      if (targetPort == null) {
        continue;
      }
      for (Endpoint e : list(slice.getEndpoints())) {
        boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
        if (!ready) {
          continue;
        }
        for (String address : list(e.getAddresses())) {
          lbEndpoints.add(Envoy.lbEndpoint(address, targetPort, 1));
        }
      }
    }
    lbEndpoints.sort(Envoy.LB_ENDPOINT_ORDER);
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addAllLbEndpoints(lbEndpoints)).build();
  }

  private Resolution upstream(NsName ref) {
    JsonNode upstream = snapshot.upstreams.get(ref);
    if (upstream == null) {
      return Resolution.failed(Reasons.BACKEND_NOT_FOUND, "Upstream " + ref + " not found");
    }
    Optional<String> problem = Upstreams.problem(upstream);
    if (problem.isPresent()) {
      return Resolution.failed(Reasons.UNSUPPORTED_VALUE, "Upstream " + ref + ": " + problem.get());
    }
    String name = Upstreams.clusterName(ref);
    clusters.computeIfAbsent(name, n -> Upstreams.cluster(n, upstream));
    return Resolution.ok(name);
  }

  /** Adds a cluster built elsewhere (the extauth and rate limit services). */
  void addCluster(Cluster cluster) {
    clusters.putIfAbsent(cluster.getName(), cluster);
  }

  List<Cluster> clusters() {
    return List.copyOf(clusters.values());
  }

  List<ClusterLoadAssignment> endpoints() {
    return List.copyOf(endpoints.values());
  }

  static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
