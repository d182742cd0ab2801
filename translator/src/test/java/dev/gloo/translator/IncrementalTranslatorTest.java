package dev.gloo.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.translator.model.Snapshot;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Incremental translation gives exactly what a full translation of the same snapshot gives. */
class IncrementalTranslatorTest {
  private static final String BASE = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: gloo-gateway}
      spec: {controllerName: solo.io/gloo-gateway}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: apps}
      spec: {ports: [{port: 80}]}
      """;

  private static String gateway(int g) {
    return "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw-" + g + ", namespace: apps}\n"
        + "spec:\n  gatewayClassName: gloo-gateway\n  listeners: [{name: http, protocol: HTTP, port: " + (8080 + g % 2) + "}]\n";
  }

  private static String route(int r, int gw, int version, boolean broken) {
    return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r-" + r + ", namespace: apps}\n"
        + "spec:\n  parentRefs: [{name: gw-" + gw + "}]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /r" + r
        + "/v" + version + "}}]\n    backendRefs: [{name: " + (broken ? "missing" : "web") + ", port: 80}]\n";
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 99})
  void randomRouteAndGatewayChangesMatchAFullTranslation(long seed) {
    Random random = new Random(seed);
    Map<String, Snapshot.Entry> objects = new TreeMap<>();
    for (JsonNode n : Fixtures.parse(BASE)) {
      objects.put(key(n), Snapshot.entry(n));
    }
    for (int g = 0; g < 4; g++) {
      put(objects, gateway(g));
    }
    for (int r = 0; r < 20; r++) {
      put(objects, route(r, r % 4, 0, false));
    }
    // Fed change by change, as the controller feeds it.
    Translator full = new Translator(TranslatorSettings.defaults());
    IncrementalTranslator incremental = new IncrementalTranslator(full);
    objects.values().forEach(incremental::put);
    int partial = 0;
    for (int step = 1; step <= 60; step++) {
      // Sometimes several changes between translations, as a burst of watch events gives.
      for (int change = random.nextInt(3); change >= 0; change--) {
        int what = random.nextInt(10);
        int r = random.nextInt(25);
        if (what < 6) {
          put(objects, incremental, route(r, random.nextInt(5), step, random.nextInt(4) == 0));
        } else if (what < 8) {
          remove(objects, incremental, "HTTPRoute/apps/r-" + r);
        } else if (what < 9) {
          put(objects, incremental, gateway(random.nextInt(5)));
        } else {
          remove(objects, incremental, "Gateway/apps/gw-" + random.nextInt(5));
        }
      }
      Snapshot.Builder b = Snapshot.builder(step);
      objects.values().forEach(b::add);
      TranslationResult got = incremental.translate(step);
      TranslationResult want = full.translate(b.build());
      assertEquals(want.statuses(), got.statuses(), "seed " + seed + " step " + step);
      assertEquals(want.gateways(), got.gateways(), "seed " + seed + " step " + step);
      if (incremental.lastTranslatedGateways() < got.gateways().size()) {
        partial++;
      }
    }
    assertTrue(partial > 0, "some steps reused Gateways");
  }

  @Test
  void routesOfAMissingGatewayTranslateNothingUntilItAppears() {
    Translator full = new Translator(TranslatorSettings.defaults());
    IncrementalTranslator incremental = new IncrementalTranslator(full);
    Map<String, Snapshot.Entry> objects = new TreeMap<>();
    for (JsonNode n : Fixtures.parse(BASE)) {
      objects.put(key(n), Snapshot.entry(n));
      incremental.put(Snapshot.entry(n));
    }
    incremental.translate(1);
    for (int r = 0; r < 30; r++) {
      put(objects, incremental, route(r, 9, 0, false));
    }
    TranslationResult before = incremental.translate(2);
    assertTrue(before.gateways().isEmpty());
    assertTrue(before.statuses().keySet().stream().noneMatch(ref -> ref.kind().equals("HTTPRoute")),
        "no status for routes whose Gateway is missing");
    put(objects, incremental, gateway(9));
    TranslationResult after = incremental.translate(3);
    Snapshot.Builder b = Snapshot.builder(3);
    objects.values().forEach(b::add);
    TranslationResult want = full.translate(b.build());
    assertEquals(want.statuses(), after.statuses());
    assertEquals(want.gateways(), after.gateways());
    assertEquals(30, after.statuses().keySet().stream().filter(ref -> ref.kind().equals("HTTPRoute")).count(),
        "every route attached once its Gateway appeared");
  }

  private static void put(Map<String, Snapshot.Entry> objects, String yaml) {
    JsonNode n = Fixtures.parse(yaml).get(0);
    objects.put(key(n), Snapshot.entry(n));
  }

  private static void put(Map<String, Snapshot.Entry> objects, IncrementalTranslator incremental, String yaml) {
    put(objects, yaml);
    incremental.put(objects.get(key(Fixtures.parse(yaml).get(0))));
  }

  private static void remove(Map<String, Snapshot.Entry> objects, IncrementalTranslator incremental, String key) {
    Snapshot.Entry gone = objects.remove(key);
    if (gone != null) {
      incremental.remove(gone.kind(), gone.key());
    }
  }

  private static String key(JsonNode n) {
    return n.path("kind").asText() + "/" + n.path("metadata").path("namespace").asText("") + "/"
        + n.path("metadata").path("name").asText();
  }
}
