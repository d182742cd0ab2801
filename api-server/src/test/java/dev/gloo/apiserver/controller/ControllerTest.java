package dev.gloo.apiserver.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.apiserver.SingleNodeStore;
import dev.gloo.apiserver.objects.ObjectKeys;
import dev.gloo.apiserver.objects.ObjectService;
import dev.gloo.store.raft.RaftStoreNode;
import dev.gloo.translator.TranslationResult;
import dev.gloo.translator.Translator;
import dev.gloo.translator.TranslatorSettings;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.ObjectRef;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller over a real single-node store: it follows creates, updates and deletes, so each
 * translation reflects exactly the stored objects (it keeps its view up to date change by change).
 */
class ControllerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CrdCatalog CATALOG = CrdCatalog.builtIn();
  private static final ObjectService.WriteOptions OPTS = ObjectService.WriteOptions.DEFAULT;

  @Test
  void translationsFollowCreatesUpdatesAndDeletes(@TempDir Path dir) throws Exception {
    RaftStoreNode store = SingleNodeStore.start(dir);
    Controller controller = new Controller(store, new Translator(TranslatorSettings.defaults()), JSON, r -> { });
    try {
      ObjectService objects = new ObjectService(store, CATALOG, JSON, Clock.systemUTC());
      objects.create(type("", "namespaces"), null, json("{\"metadata\":{\"name\":\"default\"}}"), OPTS);
      objects.create(type("gateway.networking.k8s.io", "gatewayclasses"), null, json(
          "{\"metadata\":{\"name\":\"gloo-gateway\"},\"spec\":{\"controllerName\":\""
              + TranslatorSettings.defaults().controllerName() + "\"}}"), OPTS);
      objects.create(type("gateway.networking.k8s.io", "gateways"), "default", json(
          "{\"metadata\":{\"name\":\"gw\"},\"spec\":{\"gatewayClassName\":\"gloo-gateway\","
              + "\"listeners\":[{\"name\":\"http\",\"protocol\":\"HTTP\",\"port\":8080}]}}"), OPTS);
      controller.start();
      ResourceType routes = type("gateway.networking.k8s.io", "httproutes");
      for (String name : new String[] {"a", "b", "c"}) {
        objects.create(routes, "default", route(name, "a.example.com"), OPTS);
      }
      await(controller, r -> r.statuses().containsKey(ref("a")) && r.statuses().containsKey(ref("b"))
          && r.statuses().containsKey(ref("c")), "all three routes judged");

      objects.delete(routes, "default", "b", Optional.empty(), OPTS);
      await(controller, r -> !r.statuses().containsKey(ref("b")) && r.statuses().containsKey(ref("a")),
          "the deleted route is no longer judged, the others still are");
      assertNull(controller.stored(ObjectKeys.key(routes, "default", "b")));

      JsonNode updated = objects.update(routes, "default", "c", route("c", "c.example.com"), false, OPTS).object();
      long generation = updated.path("metadata").path("generation").asLong();
      assertEquals(2, generation);
      await(controller, r -> r.statuses().containsKey(ref("c")) && r.statuses().get(ref("c")).path("parents").path(0)
          .path("conditions").path(0).path("observedGeneration").asLong() == generation, "the update judged");
      assertNotNull(controller.stored(ObjectKeys.key(routes, "default", "c")));

      objects.create(routes, "default", route("b", "b.example.com"), OPTS);
      await(controller, r -> r.statuses().containsKey(ref("b")), "a route created again under the old name");
    } finally {
      controller.close();
      store.close();
    }
  }

  private static void await(Controller c, Predicate<TranslationResult> ok, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      TranslationResult r = c.latest();
      if (r != null && ok.test(r)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(what + " did not happen; last statuses: "
        + (c.latest() == null ? "none" : c.latest().statuses().keySet()));
  }

  private static ObjectRef ref(String route) {
    return new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, "default", route);
  }

  private static JsonNode route(String name, String host) throws Exception {
    return json("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\""
        + name + "\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}],\"hostnames\":[\"" + host + "\"]}}");
  }

  private static ResourceType type(String group, String plural) {
    return CATALOG.byResource(group, "v1", plural).orElseThrow();
  }

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }
}
