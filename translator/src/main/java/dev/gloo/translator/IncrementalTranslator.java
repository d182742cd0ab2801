package dev.gloo.translator;

import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.Snapshot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Translator} with memory: when only HTTPRoutes and Gateways changed since the last
 * snapshot, the Gateways those changes cannot reach keep their previous output, and only the
 * others are translated again. Any other change translates everything. The result is always
 * equal to a full translation of the same snapshot (tests compare the two).
 *
 * <p>Change detection is by object identity: callers build successive snapshots from the same
 * converted objects for unchanged keys (the controller caches them per store revision). Not
 * thread-safe; one controller thread owns it.
 */
public final class IncrementalTranslator {
  private final Translator translator;
  private Snapshot last;
  private Map<NsName, Translator.GatewayOutput> outputs = Map.of();
  private int lastTranslatedGateways;

  public IncrementalTranslator(Translator translator) {
    this.translator = translator;
  }

  public TranslationResult translate(Snapshot snapshot) {
    Map<NsName, Translator.GatewayOutput> reusable = last == null ? Map.of() : reusable(last, snapshot);
    Translator.Translation t = translator.translate(snapshot, reusable);
    lastTranslatedGateways = t.outputs().size() - (int) t.outputs().keySet().stream().filter(reusable::containsKey).count();
    last = snapshot;
    outputs = t.outputs();
    return t.result();
  }

  /** How many Gateways the last call translated (the rest were reused). */
  public int lastTranslatedGateways() {
    return lastTranslatedGateways;
  }

  private Map<NsName, Translator.GatewayOutput> reusable(Snapshot before, Snapshot now) {
    boolean othersSame = same(before.gatewayClasses, now.gatewayClasses)
        && same(before.referenceGrants, now.referenceGrants) && same(before.services, now.services)
        && same(before.endpointSlices, now.endpointSlices) && same(before.secrets, now.secrets)
        && same(before.namespaces, now.namespaces) && same(before.upstreams, now.upstreams)
        && same(before.routeOptions, now.routeOptions) && same(before.virtualHostOptions, now.virtualHostOptions)
        && same(before.authConfigs, now.authConfigs) && same(before.rateLimitConfigs, now.rateLimitConfigs);
    if (!othersSame) {
      return Map.of();
    }
    Set<NsName> affected = new TreeSet<>();
    changedKeys(before.gateways, now.gateways, affected);
    Set<NsName> changedRoutes = new TreeSet<>();
    changedKeys(before.httpRoutes, now.httpRoutes, changedRoutes);
    for (NsName route : changedRoutes) {
      parents(route, before.httpRoutes.get(route), affected);
      parents(route, now.httpRoutes.get(route), affected);
    }
    Map<NsName, Translator.GatewayOutput> out = new TreeMap<>(outputs);
    out.keySet().removeAll(affected);
    return out;
  }

  private static void parents(NsName route, HTTPRoute r, Set<NsName> into) {
    if (r == null || r.getSpec() == null) {
      return;
    }
    for (ParentReference p : Backends.list(r.getSpec().getParentRefs())) {
      if (Kinds.GATEWAY.equals(p.getKind() == null ? Kinds.GATEWAY : p.getKind())) {
        into.add(new NsName(p.getNamespace() == null ? route.namespace() : p.getNamespace(), p.getName()));
      }
    }
  }

  private static <K, V> void changedKeys(Map<K, V> before, Map<K, V> now, Set<K> into) {
    before.forEach((k, v) -> {
      if (now.get(k) != v) {
        into.add(k);
      }
    });
    now.forEach((k, v) -> {
      if (before.get(k) != v) {
        into.add(k);
      }
    });
  }

  /** Same keys, and for each the very same object (or list of the same objects). */
  private static <K, V> boolean same(Map<K, V> a, Map<K, V> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<K, V> e : a.entrySet()) {
      Object other = b.get(e.getKey());
      if (e.getValue() instanceof List<?> la && other instanceof List<?> lb) {
        if (la.size() != lb.size()) {
          return false;
        }
        for (int i = 0; i < la.size(); i++) {
          if (la.get(i) != lb.get(i)) {
            return false;
          }
        }
      } else if (e.getValue() != other) {
        return false;
      }
    }
    return true;
  }
}
