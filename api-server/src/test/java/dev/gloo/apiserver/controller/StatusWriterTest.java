package dev.gloo.apiserver.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.apiserver.SingleNodeStore;
import dev.gloo.apiserver.objects.ObjectKeys;
import dev.gloo.apiserver.objects.ObjectService;
import dev.gloo.store.KeyValue;
import dev.gloo.store.raft.RaftStoreNode;
import dev.gloo.translator.TranslationResult;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.model.Snapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The status writer over a real single-node store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CrdCatalog CATALOG = CrdCatalog.builtIn();
  private static final ResourceType NS = CATALOG.byResource("", "v1", "namespaces").orElseThrow();
  private static final ResourceType ROUTE =
      CATALOG.byResource("gateway.networking.k8s.io", "v1", "httproutes").orElseThrow();
  private static final ObjectService.WriteOptions OPTS = ObjectService.WriteOptions.DEFAULT;

  private RaftStoreNode store;
  private ObjectService objects;
  private StatusWriter writer;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    store = SingleNodeStore.start(dir);
    objects = new ObjectService(store, CATALOG, JSON, Clock.systemUTC());
    objects.create(NS, null, JSON.readTree("{\"metadata\":{\"name\":\"default\"}}"), OPTS);
    writer = new StatusWriter(objects, CATALOG, () -> true, Clock.systemUTC(), "solo.io/gloo-gateway");
  }

  @AfterAll
  void stop() {
    store.close();
  }

  @Test
  void manyStatusesLandInOneTransactionAndASettledOneIsNotWrittenAgain() throws Exception {
    Map<String, Controller.Cached> stored = new HashMap<>();
    TreeMap<ObjectRef, ObjectNode> statuses = new TreeMap<>();
    for (int i = 0; i < 70; i++) {
      String name = "many-" + i;
      objects.create(ROUTE, "default", route(name), OPTS);
      stored.put(ObjectKeys.key(ROUTE, "default", name), cached(name));
      statuses.put(ref(name), accepted());
    }
    long before = store.revision();
    assertEquals(70, writer.write(new TranslationResult(before, new TreeMap<>(), statuses), stored::get));
    Set<String> versions = new HashSet<>();
    for (int i = 0; i < 70; i++) {
      ObjectNode o = objects.get(ROUTE, "default", "many-" + i, false);
      assertEquals("Accepted", o.at("/status/parents/0/conditions/0/type").asText());
      versions.add(o.at("/metadata/resourceVersion").asText());
    }
    assertEquals(2, versions.size(), "70 statuses in batches of 64: two transactions");

    // The controller now holds the written objects; the same judgement writes nothing.
    for (int i = 0; i < 70; i++) {
      stored.put(ObjectKeys.key(ROUTE, "default", "many-" + i), cached("many-" + i));
    }
    long after = store.revision();
    assertEquals(0, writer.write(new TranslationResult(after, new TreeMap<>(), statuses), stored::get));
    assertEquals(0, writer.write(new TranslationResult(after, new TreeMap<>(), statuses), stored::get));
    assertEquals(after, store.revision());
  }

  @Test
  void anObjectThatMovedOnDoesNotHoldBackTheOthersOfItsBatch() throws Exception {
    objects.create(ROUTE, "default", route("moved-a"), OPTS);
    objects.create(ROUTE, "default", route("moved-b"), OPTS);
    Map<String, Controller.Cached> stored = new HashMap<>();
    stored.put(ObjectKeys.key(ROUTE, "default", "moved-a"), cached("moved-a"));
    stored.put(ObjectKeys.key(ROUTE, "default", "moved-b"), cached("moved-b"));
    // b changes after the translation judged it (the controller has not seen it yet).
    ObjectNode b = objects.get(ROUTE, "default", "moved-b", false);
    ((ObjectNode) b.get("metadata")).putObject("labels").put("moved", "yes");
    objects.update(ROUTE, "default", "moved-b", b, false, OPTS);

    TreeMap<ObjectRef, ObjectNode> statuses = new TreeMap<>();
    statuses.put(ref("moved-a"), accepted());
    statuses.put(ref("moved-b"), accepted());
    assertEquals(1, writer.write(new TranslationResult(store.revision(), new TreeMap<>(), statuses), stored::get));
    assertEquals("Accepted", objects.get(ROUTE, "default", "moved-a", false)
        .at("/status/parents/0/conditions/0/type").asText());
    ObjectNode bNow = objects.get(ROUTE, "default", "moved-b", false);
    assertFalse(bNow.has("status") && bNow.get("status").has("parents"), "b is judged again on its new version");
    assertTrue(bNow.at("/metadata/labels/moved").isTextual());
  }

  private Controller.Cached cached(String name) throws Exception {
    KeyValue kv = store.get(ObjectKeys.key(ROUTE, "default", name)).orElseThrow();
    var object = JSON.readTree(kv.value());
    return new Controller.Cached(kv.modRevision(), Snapshot.entry(object));
  }

  private static ObjectRef ref(String name) {
    return new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, "default", name);
  }

  private static ObjectNode route(String name) throws Exception {
    return (ObjectNode) JSON.readTree("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
        + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}]}}");
  }

  private static ObjectNode accepted() throws Exception {
    return (ObjectNode) JSON.readTree("{\"parents\":[{\"controllerName\":\"solo.io/gloo-gateway\","
        + "\"parentRef\":{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"Gateway\",\"name\":\"gw\"},"
        + "\"conditions\":[{\"type\":\"Accepted\",\"status\":\"False\",\"reason\":\"NoMatchingParent\","
        + "\"message\":\"no such Gateway\",\"observedGeneration\":1}]}]}");
  }
}
