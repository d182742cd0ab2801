package dev.gloo.apiserver.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.apiserver.objects.ApiException;
import dev.gloo.apiserver.objects.ObjectKeys;
import dev.gloo.apiserver.objects.ObjectService;
import dev.gloo.store.StoreException;
import dev.gloo.translator.TranslationResult;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.ObjectRef;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the statuses a translation decided, on the leader only, and only where they differ
 * from what is stored. Each write is a compare-and-set on the object's resourceVersion, so a
 * node that has just lost leadership (or is behind) cannot overwrite a newer status: no status
 * ping-pong between nodes. A condition keeps its stored {@code lastTransitionTime} while its
 * status stays the same, so an unchanged judgement writes nothing.
 */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  private final ObjectService objects;
  private final Map<String, ResourceType> types = new TreeMap<>();
  private final BooleanSupplier leader;
  private final Clock clock;
  private final String controllerName;

  public StatusWriter(ObjectService objects, CrdCatalog catalog, BooleanSupplier leader, Clock clock,
      String controllerName) {
    this.objects = objects;
    this.leader = leader;
    this.clock = clock;
    this.controllerName = controllerName;
    for (ResourceType t : catalog.all()) {
      if (t.storage()) {
        types.put(t.group() + "/" + t.kind(), t);
      }
    }
  }

  /**
   * Writes what changed.
   *
   * @param stored the stored objects by store key, as the translation saw them
   * @return how many statuses were written
   */
  public int write(TranslationResult result, Supplier<Map<String, Controller.Cached>> stored) {
    if (!leader.getAsBoolean()) {
      return 0;
    }
    Map<String, Controller.Cached> current = stored.get();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    int written = 0;
    for (Map.Entry<ObjectRef, ObjectNode> e : result.statuses().entrySet()) {
      ObjectRef ref = e.getKey();
      ResourceType t = types.get(ref.group() + "/" + ref.kind());
      if (t == null) {
        continue;
      }
      Controller.Cached cached = current.get(ObjectKeys.key(t, ref.namespace().isEmpty() ? null : ref.namespace(), ref.name()));
      if (cached == null || cached.modRevision() > result.revision()) {
        // Gone, or changed since this translation: the next translation judges it.
        continue;
      }
      JsonNode old = cached.object().path("status");
      // Through bytes and back, so that numbers compare as stored (an int, not a long).
      ObjectNode desired = normalize(merge(ref, old, e.getValue(), now));
      if (desired.equals(old)) {
        continue;
      }
      ObjectNode body = cached.object().deepCopy();
      body.set("status", desired);
      ((ObjectNode) body.path("metadata")).put("resourceVersion", Long.toString(cached.modRevision()));
      try {
        objects.update(t, ref.namespace().isEmpty() ? null : ref.namespace(), ref.name(), body, true,
            ObjectService.WriteOptions.DEFAULT);
        written++;
        LOG.debug("status of {} written (translation at revision {})", ref, result.revision());
      } catch (ApiException ex) {
        // A conflict means a newer object: the next translation judges it again.
        LOG.debug("status of {} not written: {}", ref, ex.getMessage());
      } catch (StoreException ex) {
        LOG.info("status of {} not written: {}", ref, ex.toString());
        return written;
      }
      if (!leader.getAsBoolean()) {
        return written;
      }
    }
    return written;
  }

  private static ObjectNode normalize(ObjectNode n) {
    try {
      return (ObjectNode) MAPPER.readTree(MAPPER.writeValueAsBytes(n));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status to store: the translator's, with transition times and other controllers' entries kept. */
  ObjectNode merge(ObjectRef ref, JsonNode old, ObjectNode desired, String now) {
    ObjectNode out = desired.deepCopy();
    if (ref.kind().equals(Kinds.HTTP_ROUTE)) {
      ArrayNode parents = JSON.arrayNode();
      for (JsonNode p : old.path("parents")) {
        if (!controllerName.equals(p.path("controllerName").asText())) {
          parents.add(p);
        }
      }
      for (JsonNode p : out.path("parents")) {
        JsonNode before = null;
        for (JsonNode q : old.path("parents")) {
          if (q.path("parentRef").equals(p.path("parentRef")) && controllerName.equals(q.path("controllerName").asText())) {
            before = q;
          }
        }
        stampTimes((ArrayNode) p.path("conditions"), before == null ? null : before.path("conditions"), now);
        parents.add(p);
      }
      out.set("parents", parents);
      return out;
    }
    if (out.path("conditions").isArray()) {
      stampTimes((ArrayNode) out.path("conditions"), old.path("conditions"), now);
    }
    for (JsonNode l : out.path("listeners")) {
      JsonNode before = null;
      for (JsonNode q : old.path("listeners")) {
        if (q.path("name").equals(l.path("name"))) {
          before = q;
        }
      }
      stampTimes((ArrayNode) l.path("conditions"), before == null ? null : before.path("conditions"), now);
    }
    if (old.has("addresses") && ref.kind().equals(Kinds.GATEWAY)) {
      out.set("addresses", old.get("addresses"));
    }
    return out;
  }

  /** Keeps a condition's old transition time while its status is unchanged; else stamps now. */
  private static void stampTimes(ArrayNode conditions, JsonNode oldConditions, String now) {
    for (JsonNode c : conditions) {
      String time = now;
      if (oldConditions != null) {
        for (JsonNode o : oldConditions) {
          if (o.path("type").equals(c.path("type")) && o.path("status").equals(c.path("status"))
              && o.hasNonNull("lastTransitionTime")) {
            time = o.path("lastTransitionTime").asText();
          }
        }
      }
      ((ObjectNode) c).put("lastTransitionTime", time);
    }
  }
}
