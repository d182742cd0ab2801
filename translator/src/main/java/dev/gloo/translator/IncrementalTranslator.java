package dev.gloo.translator;

import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.Snapshot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.SortedMap;
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
  private Translator.Translation translation;
  private Map<NsName, List<GatewayTranslator.Attachment>> attachments = Map.of();
  private int lastTranslatedGateways;

  public IncrementalTranslator(Translator translator) {
    this.translator = translator;
  }

  public TranslationResult translate(Snapshot snapshot) {
    if (last == null || !othersSame(last, snapshot)) {
      translation = translator.translate(snapshot, Map.of());
      attachments = Translator.attachments(snapshot);
      lastTranslatedGateways = translation.outputs().size();
    } else {
      Set<NsName> affected = new TreeSet<>();
      changedKeys(last.gateways, snapshot.gateways, affected);
      Set<NsName> changedRoutes = new TreeSet<>();
      changedKeys(last.httpRoutes, snapshot.httpRoutes, changedRoutes);
      for (NsName route : changedRoutes) {
        parents(route, last.httpRoutes.get(route), affected);
        parents(route, snapshot.httpRoutes.get(route), affected);
      }
      Map<NsName, List<GatewayTranslator.Attachment>> next = attachmentsAfter(snapshot, changedRoutes, affected);
      translation = translator.update(snapshot, translation, next, attachments, affected, changedRoutes);
      attachments = next;
      lastTranslatedGateways = affected.size();
    }
    last = snapshot;
    return translation.result();
  }

  /** How many Gateways the last call translated (the rest were reused). */
  public int lastTranslatedGateways() {
    return lastTranslatedGateways;
  }

  /**
   * The route parent entries per Gateway after {@code changedRoutes} changed: only the lists of
   * the {@code affected} Gateways are rebuilt, in the order a full computation gives (by route,
   * then parent index).
   */
  private Map<NsName, List<GatewayTranslator.Attachment>> attachmentsAfter(Snapshot snapshot, Set<NsName> changedRoutes,
      Set<NsName> affected) {
    Map<NsName, List<GatewayTranslator.Attachment>> fresh = new TreeMap<>();
    Snapshot.Builder only = Snapshot.builder(snapshot.revision);
    for (NsName route : changedRoutes) {
      HTTPRoute r = snapshot.httpRoutes.get(route);
      if (r != null) {
        only.add(new Snapshot.Entry(Kinds.HTTP_ROUTE, route, r));
      }
    }
    fresh.putAll(Translator.attachments(only.build()));
    Map<NsName, List<GatewayTranslator.Attachment>> out = new TreeMap<>(attachments);
    Set<NsName> changed = new HashSet<>(changedRoutes);
    for (NsName gw : affected) {
      List<GatewayTranslator.Attachment> kept = new ArrayList<>();
      for (GatewayTranslator.Attachment a : attachments.getOrDefault(gw, List.of())) {
        if (!changed.contains(a.route())) {
          kept.add(a);
        }
      }
      List<GatewayTranslator.Attachment> list = merge(kept, fresh.getOrDefault(gw, List.of()));
      if (list.isEmpty()) {
        out.remove(gw);
      } else {
        out.put(gw, List.copyOf(list));
      }
    }
    return out;
  }

  /** Two lists in attachment order (by route, then parent index) as one in that order. */
  private static List<GatewayTranslator.Attachment> merge(List<GatewayTranslator.Attachment> a,
      List<GatewayTranslator.Attachment> b) {
    List<GatewayTranslator.Attachment> out = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && order(a.get(i), b.get(j)) <= 0)) {
        out.add(a.get(i++));
      } else {
        out.add(b.get(j++));
      }
    }
    return out;
  }

  private static int order(GatewayTranslator.Attachment x, GatewayTranslator.Attachment y) {
    int c = x.route().compareTo(y.route());
    return c != 0 ? c : Integer.compare(x.parentIndex(), y.parentIndex());
  }

  private static boolean othersSame(Snapshot before, Snapshot now) {
    return same(before.gatewayClasses, now.gatewayClasses)
        && same(before.referenceGrants, now.referenceGrants) && same(before.services, now.services)
        && same(before.endpointSlices, now.endpointSlices) && same(before.secrets, now.secrets)
        && same(before.namespaces, now.namespaces) && same(before.upstreams, now.upstreams)
        && same(before.routeOptions, now.routeOptions) && same(before.virtualHostOptions, now.virtualHostOptions)
        && same(before.authConfigs, now.authConfigs) && same(before.rateLimitConfigs, now.rateLimitConfigs);
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

  /**
   * Keys whose object is not the very same in both maps (added, removed or replaced): one walk
   * over both sorted maps side by side, no lookups, since this runs over every route each time.
   */
  private static <K extends Comparable<K>, V> void changedKeys(SortedMap<K, V> before, SortedMap<K, V> now, Set<K> into) {
    Iterator<Map.Entry<K, V>> a = before.entrySet().iterator();
    Iterator<Map.Entry<K, V>> b = now.entrySet().iterator();
    Map.Entry<K, V> x = a.hasNext() ? a.next() : null;
    Map.Entry<K, V> y = b.hasNext() ? b.next() : null;
    while (x != null || y != null) {
      int c = x == null ? 1 : y == null ? -1 : x.getKey().compareTo(y.getKey());
      if (c < 0) {
        into.add(x.getKey());
        x = a.hasNext() ? a.next() : null;
      } else if (c > 0) {
        into.add(y.getKey());
        y = b.hasNext() ? b.next() : null;
      } else {
        if (x.getValue() != y.getValue()) {
          into.add(x.getKey());
        }
        x = a.hasNext() ? a.next() : null;
        y = b.hasNext() ? b.next() : null;
      }
    }
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
