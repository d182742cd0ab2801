package dev.gloo.translator;

import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.Snapshot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link Translator} with memory, fed change by change: it keeps the objects ({@link #put},
 * {@link #remove}) and, per Gateway, the routes attached to it. When only HTTPRoutes and
 * Gateways changed since the last {@link #translate}, the Gateways those changes cannot reach
 * keep their previous output and only the others are translated again, so a change costs in
 * proportion to what it reaches, not to everything held. Any other change translates
 * everything. The result is always equal to a full translation of the same objects (tests
 * compare the two).
 *
 * <p>Not thread-safe; one controller thread owns it.
 */
public final class IncrementalTranslator {
  private final Translator translator;
  private final Snapshot.Builder objects = Snapshot.builder(0);
  /** Route parent entries by the Gateway they name, each in attachment order (route, parent index). */
  private final Map<NsName, TreeMap<AttachmentKey, GatewayTranslator.Attachment>> attachments = new HashMap<>();
  private final Set<NsName> changedGateways = new HashSet<>();
  private final Set<NsName> changedRoutes = new HashSet<>();
  private boolean othersChanged = true;
  private Translator.Translation translation;
  private int lastTranslatedGateways;

  private record AttachmentKey(NsName route, int parentIndex) implements Comparable<AttachmentKey> {
    @Override
    public int compareTo(AttachmentKey o) {
      int c = route.compareTo(o.route);
      return c != 0 ? c : Integer.compare(parentIndex, o.parentIndex);
    }
  }

  public IncrementalTranslator(Translator translator) {
    this.translator = translator;
  }

  /** Adds or replaces an object (converted by {@link Snapshot#entry}). */
  public void put(Snapshot.Entry e) {
    remove(e.kind(), e.key());
    objects.add(e);
    changed(e.kind(), e.key());
    if (e.kind().equals(Kinds.HTTP_ROUTE)) {
      for (GatewayTranslator.Attachment a : Translator.attachments(e.key(), (HTTPRoute) e.value())) {
        NsName gw = a.gateway();
        attachments.computeIfAbsent(gw, k -> new TreeMap<>()).put(new AttachmentKey(a.route(), a.parentIndex()), a);
        changedGateways.add(gw);
      }
    }
  }

  /** Takes out the object of that kind and key, if held. */
  public void remove(String kind, NsName key) {
    if (kind.equals(Kinds.HTTP_ROUTE)) {
      HTTPRoute old = objects.httpRoute(key);
      if (old == null) {
        return;
      }
      for (GatewayTranslator.Attachment a : Translator.attachments(key, old)) {
        NsName gw = a.gateway();
        Map<AttachmentKey, GatewayTranslator.Attachment> list = attachments.get(gw);
        list.remove(new AttachmentKey(a.route(), a.parentIndex()));
        if (list.isEmpty()) {
          attachments.remove(gw);
        }
        changedGateways.add(gw);
      }
    }
    if (objects.remove(kind, key)) {
      changed(kind, key);
    }
  }

  private void changed(String kind, NsName key) {
    switch (kind) {
      case Kinds.HTTP_ROUTE -> changedRoutes.add(key);
      case Kinds.GATEWAY -> changedGateways.add(key);
      default -> othersChanged = true;
    }
  }

  /**
   * Translates what is held now, labelled with {@code revision}. If it throws, the next call
   * translates everything again.
   */
  public TranslationResult translate(long revision) {
    Snapshot snapshot = objects.view(revision);
    try {
      if (translation == null || othersChanged) {
        translation = translator.translate(snapshot, Map.of());
        lastTranslatedGateways = translation.outputs().size();
      } else {
        translation = translator.update(snapshot, translation, this::attached, changedGateways, changedRoutes);
        lastTranslatedGateways = changedGateways.size();
      }
    } catch (RuntimeException | LinkageError e) {
      translation = null;
      throw e;
    } finally {
      othersChanged = false;
      changedGateways.clear();
      changedRoutes.clear();
    }
    return translation.result();
  }

  private List<GatewayTranslator.Attachment> attached(NsName gateway) {
    Map<AttachmentKey, GatewayTranslator.Attachment> list = attachments.get(gateway);
    return list == null ? List.of() : new ArrayList<>(list.values());
  }

  /** How many Gateways the last call translated (the rest were reused). */
  public int lastTranslatedGateways() {
    return lastTranslatedGateways;
  }
}
