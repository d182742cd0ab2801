package dev.gloo.apiserver.objects;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.apiserver.SingleNodeStore;
import dev.gloo.store.raft.RaftStoreNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes object semantics over a real single-node store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObjectServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CrdCatalog CATALOG = CrdCatalog.builtIn();
  private static final ResourceType NS = CATALOG.byResource("", "v1", "namespaces").orElseThrow();
  private static final ResourceType ROUTE =
      CATALOG.byResource("gateway.networking.k8s.io", "v1", "httproutes").orElseThrow();
  private static final ResourceType GATEWAY =
      CATALOG.byResource("gateway.networking.k8s.io", "v1", "gateways").orElseThrow();
  private static final ObjectService.WriteOptions STRICT =
      new ObjectService.WriteOptions(false, ObjectService.FieldValidation.STRICT);

  private RaftStoreNode store;
  private ObjectService objects;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    store = SingleNodeStore.start(dir);
    objects = new ObjectService(store, CATALOG, JSON, Clock.systemUTC());
    objects.create(NS, null, json("{\"metadata\":{\"name\":\"default\"}}"), STRICT);
  }

  @AfterAll
  void stop() {
    store.close();
  }

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) JSON.readTree(s);
  }

  private static ObjectNode route(String name, String host) throws Exception {
    return json("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\""
        + name + "\"},\"spec\":{\"hostnames\":[\"" + host + "\"]}}");
  }

  @Test
  void createSetsMetadataAndResourceVersionIsTheStoreRevision() throws Exception {
    ObjectNode created = objects.create(ROUTE, "default", route("meta", "a.example.com"), STRICT).object();
    JsonNode m = created.get("metadata");
    assertEquals("default", m.get("namespace").asText());
    assertEquals(1, m.get("generation").asInt());
    assertFalse(m.get("uid").asText().isEmpty());
    assertTrue(m.get("creationTimestamp").asText().endsWith("Z"));
    assertEquals(Long.toString(store.revision()), m.get("resourceVersion").asText());
    assertEquals(created, objects.get(ROUTE, "default", "meta", false));
    ApiException dup = assertThrows(ApiException.class,
        () -> objects.create(ROUTE, "default", route("meta", "b.example.com"), STRICT));
    assertEquals(409, dup.code());
    assertEquals("AlreadyExists", dup.reason());
  }

  @Test
  void updateWithAStaleResourceVersionIsAConflictAndChangesNothing() throws Exception {
    ObjectNode v1 = objects.create(ROUTE, "default", route("cas", "a.example.com"), STRICT).object();
    ObjectNode edit = v1.deepCopy();
    ((ObjectNode) edit.get("spec")).putArray("hostnames").add("b.example.com");
    ObjectNode v2 = objects.update(ROUTE, "default", "cas", edit.deepCopy(), false, STRICT).object();
    assertEquals(2, v2.get("metadata").get("generation").asInt(), "a spec change bumps generation");
    assertNotEquals(v1.get("metadata").get("resourceVersion"), v2.get("metadata").get("resourceVersion"));
    ApiException stale = assertThrows(ApiException.class,
        () -> objects.update(ROUTE, "default", "cas", edit.deepCopy(), false, STRICT));
    assertEquals(409, stale.code());
    assertEquals("Conflict", stale.reason());
    assertEquals(v2, objects.get(ROUTE, "default", "cas", false));
  }

  @Test
  void statusIsWrittenOnlyThroughTheStatusSubresourceAndDoesNotBumpGeneration() throws Exception {
    ObjectNode gw = json("{\"metadata\":{\"name\":\"gw\"},\"spec\":{\"gatewayClassName\":\"gloo-gateway\","
        + "\"listeners\":[{\"name\":\"http\",\"protocol\":\"HTTP\",\"port\":8080}]},"
        + "\"status\":{\"addresses\":[{\"value\":\"10.0.0.1\"}]}}");
    ObjectNode created = objects.create(GATEWAY, "default", gw, STRICT).object();
    assertFalse(created.path("status").has("addresses"), "status is not taken on create");
    ObjectNode withStatus = created.deepCopy();
    withStatus.putObject("status").putArray("addresses").addObject().put("type", "IPAddress").put("value", "10.0.0.1");
    ObjectNode afterStatus = objects.update(GATEWAY, "default", "gw", withStatus, true, STRICT).object();
    assertEquals("10.0.0.1", afterStatus.at("/status/addresses/0/value").asText());
    assertEquals(1, afterStatus.at("/metadata/generation").asInt());
    // A main-resource update keeps the stored status whatever the body says.
    ObjectNode main = afterStatus.deepCopy();
    main.remove("status");
    ObjectNode afterMain = objects.update(GATEWAY, "default", "gw", main, false, STRICT).object();
    assertEquals("10.0.0.1", afterMain.at("/status/addresses/0/value").asText());
  }

  @Test
  void statusesWrittenTogetherLandInOneRevisionOrNotAtAll() throws Exception {
    ObjectNode a = objects.create(ROUTE, "default", route("batch-a", "a.example.com"), STRICT).object();
    ObjectNode b = objects.create(ROUTE, "default", route("batch-b", "b.example.com"), STRICT).object();
    ObjectNode bStatus = withParentStatus(b, "Accepted");
    ObjectNode aAccepted = withParentStatus(a, "Accepted");
    assertTrue(objects.updateStatuses(List.of(
        new ObjectService.StatusUpdate(ROUTE, "default", "batch-a", aAccepted),
        new ObjectService.StatusUpdate(ROUTE, "default", "batch-b", bStatus))));
    ObjectNode aNow = objects.get(ROUTE, "default", "batch-a", false);
    ObjectNode bNow = objects.get(ROUTE, "default", "batch-b", false);
    assertEquals("Accepted", aNow.at("/status/parents/0/conditions/0/type").asText());
    assertEquals("Accepted", bNow.at("/status/parents/0/conditions/0/type").asText());
    assertEquals(aNow.at("/metadata/resourceVersion"), bNow.at("/metadata/resourceVersion"), "one transaction");
    assertEquals(1, aNow.at("/metadata/generation").asInt(), "a status write keeps the generation");

    // b judged on its old version: nothing of the batch is written, a included.
    long before = store.revision();
    assertFalse(objects.updateStatuses(List.of(
        new ObjectService.StatusUpdate(ROUTE, "default", "batch-a", withParentStatus(aNow, "ResolvedRefs")),
        new ObjectService.StatusUpdate(ROUTE, "default", "batch-b", withParentStatus(b, "ResolvedRefs")))));
    assertEquals(before, store.revision());
    assertEquals("Accepted", objects.get(ROUTE, "default", "batch-a", false)
        .at("/status/parents/0/conditions/0/type").asText());
  }

  private static ObjectNode withParentStatus(ObjectNode route, String condition) {
    ObjectNode copy = route.deepCopy();
    ObjectNode parent = copy.putObject("status").putArray("parents").addObject();
    parent.put("controllerName", "solo.io/gloo-gateway");
    parent.putObject("parentRef").put("name", "gw");
    parent.putArray("conditions").addObject().put("type", condition).put("status", "True")
        .put("reason", condition).put("message", "").put("lastTransitionTime", "2026-01-01T00:00:00Z");
    return copy;
  }

  @Test
  void patchesApplyToTheCurrentObject() throws Exception {
    objects.create(ROUTE, "default", route("patched", "a.example.com"), STRICT);
    ObjectNode merged = objects.patch(ROUTE, "default", "patched", "application/merge-patch+json",
        json("{\"metadata\":{\"labels\":{\"app\":\"demo\"}}}"), false, STRICT).object();
    assertEquals("demo", merged.at("/metadata/labels/app").asText());
    assertEquals(1, merged.at("/metadata/generation").asInt(), "a metadata change keeps generation");
    ObjectNode jp = objects.patch(ROUTE, "default", "patched", "application/json-patch+json",
        JSON.readTree("[{\"op\":\"replace\",\"path\":\"/spec/hostnames/0\",\"value\":\"c.example.com\"}]"), false,
        STRICT).object();
    assertEquals("c.example.com", jp.at("/spec/hostnames/0").asText());
    ObjectNode applied = objects.patch(ROUTE, "default", "fresh", "application/apply-patch+yaml",
        route("fresh", "d.example.com"), false, STRICT).object();
    assertEquals("d.example.com", applied.at("/spec/hostnames/0").asText());
    ApiException smp = assertThrows(ApiException.class, () -> objects.patch(ROUTE, "default", "patched",
        "application/strategic-merge-patch+json", json("{}"), false, STRICT));
    assertEquals(415, smp.code());
  }

  @Test
  void badInputGetsAClearErrorAndLeavesTheStoreUntouched() throws Exception {
    long before = store.revision();
    assertEquals(404, assertThrows(ApiException.class,
        () -> objects.create(ROUTE, "nowhere", route("x", "a.example.com"), STRICT)).code());
    assertEquals(422, assertThrows(ApiException.class,
        () -> objects.create(ROUTE, "default", route("Bad_Name", "a.example.com"), STRICT)).code());
    ApiException unknown = assertThrows(ApiException.class, () -> objects.create(ROUTE, "default",
        json("{\"metadata\":{\"name\":\"u\"},\"spec\":{\"hostnamez\":[]}}"), STRICT));
    assertEquals(400, unknown.code());
    assertTrue(unknown.getMessage().contains("unknown field \"spec.hostnamez\""));
    ApiException wrongKind = assertThrows(ApiException.class, () -> objects.create(ROUTE, "default",
        json("{\"kind\":\"Gateway\",\"metadata\":{\"name\":\"k\"}}"), STRICT));
    assertEquals(400, wrongKind.code());
    ApiException invalid = assertThrows(ApiException.class, () -> objects.create(ROUTE, "default",
        json("{\"metadata\":{\"name\":\"h\"},\"spec\":{\"hostnames\":[\"-x-\"]}}"), STRICT));
    assertEquals(422, invalid.code());
    assertEquals("spec.hostnames[0]", invalid.toStatus().at("/details/causes/0/field").asText());
    assertEquals(before, store.revision(), "no bad request may write");

    ObjectService.Written warned = objects.create(ROUTE, "default",
        json("{\"metadata\":{\"name\":\"warned\"},\"spec\":{\"hostnamez\":[]}}"),
        new ObjectService.WriteOptions(false, ObjectService.FieldValidation.WARN));
    assertEquals(java.util.List.of("unknown field \"spec.hostnamez\""), warned.warnings());
    assertFalse(warned.object().get("spec").has("hostnamez"), "unknown fields are pruned");
  }

  @Test
  void dryRunValidatesButStoresNothing() throws Exception {
    long before = store.revision();
    ObjectService.WriteOptions dry = new ObjectService.WriteOptions(true, ObjectService.FieldValidation.STRICT);
    objects.create(ROUTE, "default", route("dry", "a.example.com"), dry);
    assertEquals(before, store.revision());
    assertEquals(404, assertThrows(ApiException.class, () -> objects.get(ROUTE, "default", "dry", false)).code());
  }

  @Test
  void listsPageAndSelectByLabelAndName() throws Exception {
    objects.create(NS, null, json("{\"metadata\":{\"name\":\"paging\"}}"), STRICT);
    for (int i = 0; i < 7; i++) {
      ObjectNode r = route("r" + i, "a.example.com");
      ((ObjectNode) r.get("metadata")).putObject("labels").put("parity", i % 2 == 0 ? "even" : "odd");
      objects.create(ROUTE, "paging", r, STRICT);
    }
    ObjectService.Page p1 = objects.list(ROUTE, "paging", null, null, 3, null, false);
    assertEquals(3, p1.items().size());
    ObjectService.Page p2 = objects.list(ROUTE, "paging", null, null, 3, p1.continueToken().orElseThrow(), false);
    ObjectService.Page p3 = objects.list(ROUTE, "paging", null, null, 3, p2.continueToken().orElseThrow(), false);
    assertEquals(1, p3.items().size());
    assertEquals(Optional.empty(), p3.continueToken());
    assertEquals(4, objects.list(ROUTE, "paging", "parity=even", null, 0, null, false).items().size());
    assertEquals(3, objects.list(ROUTE, "paging", "parity in (odd)", null, 0, null, false).items().size());
    assertEquals(1, objects.list(ROUTE, "paging", null, "metadata.name=r3", 0, null, false).items().size());
    objects.delete(NS, null, "paging", Optional.empty(), ObjectService.WriteOptions.DEFAULT);
    assertEquals(0, objects.list(ROUTE, "paging", null, null, 0, null, false).items().size(),
        "deleting a namespace deletes what is in it");
  }

  @Test
  void laterPagesShowTheListAsItWasAtTheFirstPage() throws Exception {
    objects.create(NS, null, json("{\"metadata\":{\"name\":\"pinned\"}}"), STRICT);
    for (int i = 0; i < 4; i++) {
      objects.create(ROUTE, "pinned", route("r" + i, "a.example.com"), STRICT);
    }
    ObjectService.Page p1 = objects.list(ROUTE, "pinned", null, null, 2, null, false);
    objects.create(ROUTE, "pinned", route("r2a", "a.example.com"), STRICT);
    objects.update(ROUTE, "pinned", "r2", route("r2", "b.example.com"), false, STRICT);
    objects.delete(ROUTE, "pinned", "r3", Optional.empty(), ObjectService.WriteOptions.DEFAULT);
    ObjectService.Page p2 = objects.list(ROUTE, "pinned", null, null, 2, p1.continueToken().orElseThrow(), false);
    assertEquals(List.of("r2", "r3"), names(p2));
    assertEquals("a.example.com", p2.items().get(0).at("/spec/hostnames/0").asText());
    assertEquals(p1.revision(), p2.revision());
    assertEquals(Optional.empty(), p2.continueToken());
    assertEquals(List.of("r0", "r1", "r2", "r2a"), names(objects.list(ROUTE, "pinned", null, null, 0, null, false)));
  }

  @Test
  void aContinueTokenForAStateNoLongerHeldIsExpiredAndAMalformedOneIsABadRequest() throws Exception {
    objects.create(ROUTE, "default", route("expiring", "a.example.com"), STRICT);
    String stale = Base64.getUrlEncoder().encodeToString("{\"rv\":1,\"start\":\"x\"}".getBytes(UTF_8));
    ApiException gone = assertThrows(ApiException.class, () -> objects.list(ROUTE, "default", null, null, 1, stale, false));
    assertEquals(410, gone.code());
    assertEquals("Expired", gone.reason());
    for (String bad : List.of("%%", Base64.getUrlEncoder().encodeToString("{\"rv\":\"x\"}".getBytes(UTF_8)),
        Base64.getUrlEncoder().encodeToString("[1]".getBytes(UTF_8)))) {
      assertEquals(400, assertThrows(ApiException.class,
          () -> objects.list(ROUTE, "default", null, null, 1, bad, false)).code(), bad);
    }
  }

  private static List<String> names(ObjectService.Page page) {
    return page.items().stream().map(o -> o.at("/metadata/name").asText()).toList();
  }
}
