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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
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
  /** Statuses written in one transaction at most. */
  private static final int BATCH = 64;
  /** Batches in flight at once. */
  private final ExecutorService writers = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "status-write");
    t.setDaemon(true);
    return t;
  });
  /**
   * What the last pass found in place, per object: its revision then and the translator's
   * judgement of it. The same judgement of the same revision needs no second look, so a pass
   * costs little for the objects that did not change. Only the status-writer thread uses it.
   */
  private Map<ObjectRef, Settled> settled = Map.of();

  private record Settled(long modRevision, ObjectNode judged) {}

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
   * @param stored the revision of the object under a store key (null if none), as the controller
   *     holds it; an object whose status needs writing is then read from this node's applied state
   * @return how many statuses were written
   */
  public int write(TranslationResult result, Function<String, Controller.Cached> stored) {
    if (!leader.getAsBoolean()) {
      settled = Map.of(); // a later term starts from what is stored then
      return 0;
    }
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    Map<ObjectRef, Settled> next = new HashMap<>();
    List<CompletableFuture<Integer>> writes = new ArrayList<>();
    List<ObjectService.StatusUpdate> batch = new ArrayList<>();
    for (Map.Entry<ObjectRef, ObjectNode> e : result.statuses().entrySet()) {
      ObjectRef ref = e.getKey();
      ResourceType t = types.get(ref.group() + "/" + ref.kind());
      if (t == null) {
        continue;
      }
      Controller.Cached cached = stored.apply(ObjectKeys.key(t, ref.namespace().isEmpty() ? null : ref.namespace(), ref.name()));
      if (cached == null || cached.modRevision() > result.revision()) {
        // Gone, or changed since this translation: the next translation judges it.
        continue;
      }
      Settled before = settled.get(ref);
      if (before != null && before.modRevision() == cached.modRevision() && before.judged().equals(e.getValue())) {
        next.put(ref, before); // the same judgement of the same object: still in place
        continue;
      }
      ObjectNode body;
      try {
        body = objects.get(t, ref.namespace().isEmpty() ? null : ref.namespace(), ref.name(), true);
      } catch (ApiException gone) {
        continue; // deleted since: the next translation judges it no more
      }
      if (!body.path("metadata").path("resourceVersion").asText().equals(Long.toString(cached.modRevision()))) {
        continue; // changed since this translation: the next one judges it
      }
      JsonNode old = body.path("status");
      // Through bytes and back, so that numbers compare as stored (an int, not a long).
      ObjectNode desired = normalize(merge(ref, old, e.getValue(), now));
      if (desired.equals(old)) {
        next.put(ref, new Settled(cached.modRevision(), e.getValue()));
        continue;
      }
      body.set("status", desired);
      batch.add(new ObjectService.StatusUpdate(t, ref.namespace().isEmpty() ? null : ref.namespace(), ref.name(), body));
      if (batch.size() == BATCH) {
        List<ObjectService.StatusUpdate> full = batch;
        writes.add(CompletableFuture.supplyAsync(() -> write(full), writers));
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      List<ObjectService.StatusUpdate> last = batch;
      writes.add(CompletableFuture.supplyAsync(() -> write(last), writers));
    }
    settled = next;
    int written = 0;
    for (CompletableFuture<Integer> w : writes) {
      written += w.join();
    }
    LOG.debug("{} statuses written (translation at revision {})", written, result.revision());
    return written;
  }

  /**
   * A batch of status writes: one store transaction when every object is still at the version
   * judged (the usual case: a burst of new objects costs one Raft entry, not one each), else one
   * write per object, so that a single changed object does not hold back the others.
   */
  private int write(List<ObjectService.StatusUpdate> batch) {
    if (!leader.getAsBoolean()) {
      return 0;
    }
    try {
      if (objects.updateStatuses(batch)) {
        return batch.size();
      }
    } catch (ApiException ex) {
      LOG.debug("statuses not written together ({}); writing them one by one", ex.getMessage());
    } catch (StoreException ex) {
      LOG.info("statuses not written: {}", ex.toString());
      return 0;
    }
    int written = 0;
    for (ObjectService.StatusUpdate u : batch) {
      if (!leader.getAsBoolean()) {
        break;
      }
      try {
        objects.update(u.type(), u.namespace(), u.name(), u.body(), true, ObjectService.WriteOptions.DEFAULT);
        written++;
      } catch (ApiException ex) {
        // A conflict means a newer object: the next translation judges it again.
        LOG.debug("status of {}/{} not written: {}", u.namespace(), u.name(), ex.getMessage());
      } catch (StoreException ex) {
        LOG.info("status of {}/{} not written: {}", u.namespace(), u.name(), ex.toString());
        break;
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
