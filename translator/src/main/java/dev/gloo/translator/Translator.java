package dev.gloo.translator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.model.Snapshot;
import dev.gloo.translator.plugins.OptionsPlugin;
import dev.gloo.translator.plugins.Plugins;
import dev.gloo.translator.status.Condition;
import dev.gloo.translator.status.Reasons;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The translation: a {@link Snapshot} in, Envoy resources per Gateway of our class and the
 * status of every object judged out. A pure function: no I/O, no clock, no randomness, and
 * every collection it walks is sorted, so the same snapshot gives equal output on every node.
 */
public final class Translator {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final TranslatorSettings settings;
  private final List<OptionsPlugin> plugins;

  public Translator(TranslatorSettings settings) {
    this(settings, Plugins.all());
  }

  public Translator(TranslatorSettings settings, List<OptionsPlugin> plugins) {
    this.settings = settings;
    this.plugins = List.copyOf(plugins);
  }

  public TranslationResult translate(Snapshot snapshot) {
    return translate(snapshot, Map.of()).result();
  }

  /** One Gateway's translation, and the policy problems it found. */
  record GatewayOutput(GatewayTranslator.Output out, SortedMap<ObjectRef, List<String>> problems) {}

  /** A result and the per-Gateway outputs it was assembled from (for reuse next time). */
  record Translation(TranslationResult result, Map<NsName, GatewayOutput> outputs) {}

  /**
   * Translates, taking the output of the Gateways in {@code reusable} as given: the caller
   * vouches that nothing they depend on changed ({@link IncrementalTranslator} does).
   */
  Translation translate(Snapshot snapshot, Map<NsName, GatewayOutput> reusable) {
    SortedMap<ObjectRef, ObjectNode> statuses = new TreeMap<>();
    SortedMap<NsName, GatewayResources> gateways = new TreeMap<>();

    for (Map.Entry<String, GatewayClass> e : snapshot.gatewayClasses.entrySet()) {
      GatewayClass gc = e.getValue();
      if (gc.getSpec() != null && settings.controllerName().equals(gc.getSpec().getControllerName())) {
        ObjectNode status = JSON.objectNode();
        status.putArray("conditions").add(Condition.ok(Reasons.ACCEPTED, Reasons.ACCEPTED, "",
            generation(gc.getMetadata().getGeneration())).toJson());
        statuses.put(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY_CLASS, "", e.getKey()), status);
      }
    }

    Map<NsName, List<GatewayTranslator.Attachment>> attachments = attachments(snapshot);
    ReferenceGrants grants = new ReferenceGrants(snapshot);
    Policies policies = new Policies(snapshot);
    Map<NsName, SortedMap<Integer, ObjectNode>> routeParents = new TreeMap<>();
    Map<NsName, GatewayOutput> outputs = new TreeMap<>();
    for (Map.Entry<NsName, Gateway> e : snapshot.gateways.entrySet()) {
      if (!ours(snapshot, e.getValue())) {
        continue;
      }
      GatewayOutput output = reusable.get(e.getKey());
      if (output == null) {
        SortedMap<ObjectRef, List<String>> problems = new TreeMap<>();
        output = new GatewayOutput(new GatewayTranslator(snapshot, settings, e.getKey(), e.getValue(), grants,
            policies, plugins, problems).translate(attachments.getOrDefault(e.getKey(), List.of())), problems);
      }
      outputs.put(e.getKey(), output);
      GatewayTranslator.Output out = output.out();
      gateways.put(e.getKey(), out.resources());
      statuses.put(ref(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, e.getKey()), out.gatewayStatus());
      out.routeParents().forEach((route, parents) ->
          routeParents.computeIfAbsent(route, r -> new TreeMap<>()).putAll(parents));
    }
    routeParents.forEach((route, parents) -> {
      ObjectNode status = JSON.objectNode();
      ArrayNode list = status.putArray("parents");
      parents.values().forEach(list::add);
      statuses.put(ref(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, route), status);
    });
    policyStatuses(snapshot, policyProblems(outputs), statuses);
    return new Translation(new TranslationResult(snapshot.revision, gateways, statuses), outputs);
  }

  /** The problems every Gateway's translation found, by policy, each message once, in Gateway order. */
  private static SortedMap<ObjectRef, List<String>> policyProblems(Map<NsName, GatewayOutput> outputs) {
    SortedMap<ObjectRef, List<String>> problems = new TreeMap<>();
    outputs.values().forEach(output -> output.problems().forEach((policy, list) -> {
      List<String> all = problems.computeIfAbsent(policy, k -> new ArrayList<>());
      list.stream().filter(m -> !all.contains(m)).forEach(all::add);
    }));
    return problems;
  }

  /**
   * Brings {@code previous} up to {@code snapshot} when only the Gateways in {@code affected}
   * (and the routes in {@code changedRoutes}) can have changed: those Gateways are translated
   * again, the statuses of routes attached to them (before or now) are assembled again, and
   * everything else is taken from {@code previous}. Gives what a full translation gives.
   *
   * @param attachments a Gateway's route parent entries in {@code snapshot}, in attachment order;
   *     asked only for Gateways in {@code affected} that judge now or did before
   */
  Translation update(Snapshot snapshot, Translation previous,
      Function<NsName, List<GatewayTranslator.Attachment>> attachments, Set<NsName> affected, Set<NsName> changedRoutes) {
    SortedMap<ObjectRef, ObjectNode> statuses = new TreeMap<>(previous.result().statuses());
    SortedMap<NsName, GatewayResources> gateways = new TreeMap<>(previous.result().gateways());
    Map<NsName, GatewayOutput> outputs = new TreeMap<>(previous.outputs());
    ReferenceGrants grants = new ReferenceGrants(snapshot);
    Policies policies = new Policies(snapshot);
    Set<NsName> routes = new HashSet<>(changedRoutes);
    for (NsName gw : affected) {
      Gateway g = snapshot.gateways.get(gw);
      boolean judges = g != null && ours(snapshot, g);
      List<GatewayTranslator.Attachment> attached = List.of();
      if (judges || previous.outputs().containsKey(gw)) {
        // This Gateway's part of each attached route's status (before or now) may change; a
        // Gateway that judged nothing before and judges nothing now changes no route's status.
        // A route attached before but not now changed, so it is among changedRoutes already.
        attached = attachments.apply(gw);
        for (GatewayTranslator.Attachment a : attached) {
          routes.add(a.route());
        }
      }
      ObjectRef gwRef = ref(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, gw);
      if (!judges) {
        outputs.remove(gw);
        gateways.remove(gw);
        statuses.remove(gwRef);
        continue;
      }
      SortedMap<ObjectRef, List<String>> problems = new TreeMap<>();
      GatewayOutput output = new GatewayOutput(new GatewayTranslator(snapshot, settings, gw, g, grants, policies,
          plugins, problems).translate(attached), problems);
      outputs.put(gw, output);
      gateways.put(gw, output.out().resources());
      statuses.put(gwRef, output.out().gatewayStatus());
    }
    for (NsName route : routes) {
      SortedMap<Integer, ObjectNode> parents = new TreeMap<>();
      HTTPRoute r = snapshot.httpRoutes.get(route);
      if (r != null && r.getSpec() != null) {
        for (ParentReference p : Backends.list(r.getSpec().getParentRefs())) {
          NsName gw = new NsName(p.getNamespace() == null ? route.namespace() : p.getNamespace(), p.getName());
          GatewayOutput o = outputs.get(gw);
          SortedMap<Integer, ObjectNode> mine = o == null ? null : o.out().routeParents().get(route);
          if (mine != null) {
            parents.putAll(mine);
          }
        }
      }
      ObjectRef routeRef = ref(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, route);
      if (parents.isEmpty()) {
        statuses.remove(routeRef);
      } else {
        ObjectNode status = JSON.objectNode();
        ArrayNode list = status.putArray("parents");
        parents.values().forEach(list::add);
        statuses.put(routeRef, status);
      }
    }
    policyStatuses(snapshot, policyProblems(outputs), statuses);
    return new Translation(new TranslationResult(snapshot.revision, gateways, statuses), outputs);
  }

  private boolean ours(Snapshot snapshot, Gateway g) {
    GatewayClass gc = g.getSpec() == null ? null : snapshot.gatewayClasses.get(g.getSpec().getGatewayClassName());
    return gc != null && gc.getSpec() != null && settings.controllerName().equals(gc.getSpec().getControllerName());
  }

  /** Route parent entries by the Gateway they name. */
  static Map<NsName, List<GatewayTranslator.Attachment>> attachments(Snapshot snapshot) {
    Map<NsName, List<GatewayTranslator.Attachment>> out = new TreeMap<>();
    for (Map.Entry<NsName, HTTPRoute> e : snapshot.httpRoutes.entrySet()) {
      for (GatewayTranslator.Attachment a : attachments(e.getKey(), e.getValue())) {
        out.computeIfAbsent(a.gateway(), g -> new ArrayList<>()).add(a);
      }
    }
    return out;
  }

  /** One route's parent entries that name a Gateway, in parent order. */
  static List<GatewayTranslator.Attachment> attachments(NsName name, HTTPRoute route) {
    List<ParentReference> parents = route.getSpec() == null ? List.of() : Backends.list(route.getSpec().getParentRefs());
    List<GatewayTranslator.Attachment> out = new ArrayList<>(parents.size());
    for (int i = 0; i < parents.size(); i++) {
      ParentReference p = parents.get(i);
      String group = p.getGroup() == null ? Kinds.GATEWAY_GROUP : p.getGroup();
      String kind = p.getKind() == null ? Kinds.GATEWAY : p.getKind();
      if (group.equals(Kinds.GATEWAY_GROUP) && kind.equals(Kinds.GATEWAY)) {
        out.add(new GatewayTranslator.Attachment(name, route, i, p));
      }
    }
    return out;
  }

  /**
   * Gloo-style statuses ({@code statuses.<namespace>.state}) for the policy kinds and Upstreams:
   * Accepted, or Rejected with the problems the plugins and backends found.
   */
  private void policyStatuses(Snapshot snapshot, SortedMap<ObjectRef, List<String>> problems,
      SortedMap<ObjectRef, ObjectNode> statuses) {
    snapshot.routeOptions.keySet().forEach(n -> statuses.put(ref(Kinds.GLOO_GATEWAY_GROUP, Kinds.ROUTE_OPTION, n),
        glooStatus(n, problems.get(ref(Kinds.GLOO_GATEWAY_GROUP, Kinds.ROUTE_OPTION, n)))));
    snapshot.virtualHostOptions.keySet().forEach(n -> statuses.put(
        ref(Kinds.GLOO_GATEWAY_GROUP, Kinds.VIRTUAL_HOST_OPTION, n),
        glooStatus(n, problems.get(ref(Kinds.GLOO_GATEWAY_GROUP, Kinds.VIRTUAL_HOST_OPTION, n)))));
    snapshot.upstreams.forEach((n, u) -> statuses.put(ref(Kinds.GLOO_GROUP, Kinds.UPSTREAM, n),
        glooStatus(n, Upstreams.problem(u).map(List::of).orElse(null))));
  }

  private static ObjectNode glooStatus(NsName n, List<String> problems) {
    ObjectNode status = JSON.objectNode();
    ObjectNode mine = status.putObject("statuses").putObject(n.namespace());
    mine.put("state", problems == null ? "Accepted" : "Rejected");
    if (problems != null) {
      mine.put("reason", String.join("; ", problems));
    }
    mine.put("reportedBy", "gloo-control");
    return status;
  }

  private static ObjectRef ref(String group, String kind, NsName n) {
    return new ObjectRef(group, kind, n.namespace(), n.name());
  }

  private static long generation(Long g) {
    return g == null ? 0 : g;
  }
}
