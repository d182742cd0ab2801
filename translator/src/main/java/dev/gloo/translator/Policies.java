package dev.gloo.translator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.model.Snapshot;
import dev.gloo.translator.plugins.PolicySource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which RouteOptions and VirtualHostOptions apply where, and how several of them combine.
 *
 * <p>A RouteOption applies to an HTTPRoute through {@code spec.targetRefs} (every rule) or to
 * one rule through an ExtensionRef filter; a VirtualHostOption applies to a Gateway, or to one
 * of its listeners with {@code sectionName}. When several apply, each top-level option field
 * is taken from the most specific source (ExtensionRef over targetRef, a listener over the
 * whole Gateway), then from the oldest object, as in Gloo.
 */
final class Policies {
  private final Snapshot snapshot;
  private final Map<NsName, List<NsName>> routeOptionsByRoute = new TreeMap<>();
  private final Map<NsName, List<NsName>> vhostOptionsByGateway = new TreeMap<>();

  Policies(Snapshot snapshot) {
    this.snapshot = snapshot;
    index(snapshot.routeOptions, Kinds.HTTP_ROUTE, routeOptionsByRoute);
    index(snapshot.virtualHostOptions, Kinds.GATEWAY, vhostOptionsByGateway);
  }

  private static void index(Map<NsName, JsonNode> policies, String targetKind, Map<NsName, List<NsName>> out) {
    policies.forEach((ref, policy) -> {
      for (JsonNode target : targets(policy)) {
        if (target.path("kind").asText().equals(targetKind)
            && target.path("group").asText(Kinds.GATEWAY_GROUP).equals(Kinds.GATEWAY_GROUP)) {
          String ns = target.path("namespace").asText(ref.namespace());
          if (ns.equals(ref.namespace())) {
            out.computeIfAbsent(new NsName(ns, target.path("name").asText()), k -> new ArrayList<>()).add(ref);
          }
        }
      }
    });
    Comparator<NsName> oldestFirst = Comparator.comparing((NsName n) -> created(policies.get(n)))
        .thenComparing(Comparator.naturalOrder());
    out.values().forEach(l -> l.sort(oldestFirst));
  }

  private static List<JsonNode> targets(JsonNode policy) {
    List<JsonNode> out = new ArrayList<>();
    policy.path("spec").path("targetRefs").forEach(out::add);
    JsonNode single = policy.path("spec").path("targetRef");
    if (single.isObject()) {
      out.add(single);
    }
    return out;
  }

  static String created(JsonNode object) {
    return object.path("metadata").path("creationTimestamp").asText("");
  }

  /** RouteOptions that target the route as a whole, most important first. */
  List<ObjectRef> routeOptionsFor(NsName route) {
    List<ObjectRef> out = new ArrayList<>();
    for (NsName n : routeOptionsByRoute.getOrDefault(route, List.of())) {
      out.add(new ObjectRef(Kinds.GLOO_GATEWAY_GROUP, Kinds.ROUTE_OPTION, n.namespace(), n.name()));
    }
    return out;
  }

  /** VirtualHostOptions for one listener of a Gateway, most important first. */
  List<ObjectRef> virtualHostOptionsFor(NsName gateway, String listener) {
    List<ObjectRef> specific = new ArrayList<>();
    List<ObjectRef> whole = new ArrayList<>();
    for (NsName n : vhostOptionsByGateway.getOrDefault(gateway, List.of())) {
      ObjectRef ref = new ObjectRef(Kinds.GLOO_GATEWAY_GROUP, Kinds.VIRTUAL_HOST_OPTION, n.namespace(), n.name());
      for (JsonNode t : targets(snapshot.virtualHostOptions.get(n))) {
        if (!t.path("name").asText().equals(gateway.name())) {
          continue;
        }
        String section = t.path("sectionName").asText("");
        if (section.isEmpty()) {
          whole.add(ref);
        } else if (section.equals(listener)) {
          specific.add(ref);
        }
      }
    }
    specific.addAll(whole);
    return specific;
  }

  /** The options object of a RouteOption or VirtualHostOption; empty when it is missing. */
  JsonNode options(ObjectRef policy) {
    NsName n = new NsName(policy.namespace(), policy.name());
    JsonNode p = policy.kind().equals(Kinds.ROUTE_OPTION) ? snapshot.routeOptions.get(n)
        : snapshot.virtualHostOptions.get(n);
    return p == null ? JsonNodeFactory.instance.objectNode() : p.path("spec").path("options");
  }

  /**
   * Splits the options of several policies (most important first) so that each top-level field
   * comes from exactly one of them: the first that sets it.
   */
  List<PolicySource> combine(List<ObjectRef> policies) {
    List<PolicySource> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (ObjectRef policy : policies) {
      ObjectNode mine = JsonNodeFactory.instance.objectNode();
      JsonNode options = options(policy);
      for (Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (taken.add(field)) {
          mine.set(field, options.get(field));
        }
      }
      if (!mine.isEmpty()) {
        out.add(new PolicySource(policy, mine));
      }
    }
    return out;
  }
}
