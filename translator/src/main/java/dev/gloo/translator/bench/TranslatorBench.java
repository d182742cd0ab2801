package dev.gloo.translator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.translator.IncrementalTranslator;
import dev.gloo.translator.Translator;
import dev.gloo.translator.TranslatorSettings;
import dev.gloo.translator.model.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translation times: a full translation of R HTTPRoutes spread over 100 Gateways, and an
 * incremental one after one route changed (the change handed over and translated). Prints a table; run with
 * {@code bin/bench-translator} (arguments: route counts, default "1000 10000").
 */
public final class TranslatorBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GATEWAYS = 100;

  private TranslatorBench() {}

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {1000, 10000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("%-8s %-9s %14s %14s %14s %16s%n", "routes", "gateways", "full p50 ms", "full max ms",
        "incr p50 ms", "incr gateways");
    for (int routes : sizes) {
      run(routes);
    }
  }

  private static void run(int routes) {
    List<Snapshot.Entry> base = new ArrayList<>();
    base.add(Snapshot.entry(json("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GatewayClass\","
        + "\"metadata\":{\"name\":\"gloo-gateway\"},\"spec\":{\"controllerName\":\"solo.io/gloo-gateway\"}}")));
    for (int g = 0; g < GATEWAYS; g++) {
      base.add(Snapshot.entry(json("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\","
          + "\"metadata\":{\"name\":\"gw-" + g + "\",\"namespace\":\"bench\"},\"spec\":{\"gatewayClassName\":\"gloo-gateway\","
          + "\"listeners\":[{\"name\":\"http\",\"protocol\":\"HTTP\",\"port\":8080}]}}")));
      base.add(Snapshot.entry(json("{\"apiVersion\":\"gloo.solo.io/v1\",\"kind\":\"Upstream\",\"metadata\":{\"name\":\"up-" + g
          + "\",\"namespace\":\"bench\"},\"spec\":{\"static\":{\"hosts\":[{\"addr\":\"10.0.0." + (g % 250 + 1)
          + "\",\"port\":8080}]}}}")));
    }
    List<Snapshot.Entry> routeEntries = new ArrayList<>();
    for (int r = 0; r < routes; r++) {
      routeEntries.add(Snapshot.entry(route(r, 0)));
    }
    Translator translator = new Translator(TranslatorSettings.defaults());
    long[] full = new long[5];
    for (int i = 0; i < full.length + 2; i++) {
      long t = System.nanoTime();
      translator.translate(snapshot(1, base, routeEntries));
      if (i >= 2) {
        full[i - 2] = System.nanoTime() - t;
      }
    }
    IncrementalTranslator incremental = new IncrementalTranslator(translator);
    base.forEach(incremental::put);
    routeEntries.forEach(incremental::put);
    incremental.translate(1);
    int rounds = 20;
    long[] incr = new long[rounds];
    int translated = 0;
    for (int i = 0; i < rounds; i++) {
      int changed = (i * 7919) % routes;
      Snapshot.Entry next = Snapshot.entry(route(changed, i + 1));
      long t = System.nanoTime();
      incremental.put(next);
      incremental.translate(2 + i);
      incr[i] = System.nanoTime() - t;
      translated = incremental.lastTranslatedGateways();
    }
    Arrays.sort(full);
    Arrays.sort(incr);
    System.out.printf("%-8d %-9d %14.1f %14.1f %14.1f %16d%n", routes, GATEWAYS, full[full.length / 2] / 1e6,
        full[full.length - 1] / 1e6, incr[incr.length / 2] / 1e6, translated);
  }

  private static Snapshot snapshot(long revision, List<Snapshot.Entry> base, List<Snapshot.Entry> routes) {
    Snapshot.Builder b = Snapshot.builder(revision);
    base.forEach(b::add);
    routes.forEach(b::add);
    return b.build();
  }

  /** A route of about 1 KiB: two matches with headers, a header filter, one Upstream backend. */
  private static JsonNode route(int r, int version) {
    int g = r % GATEWAYS;
    ObjectNode n = (ObjectNode) json("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
        + "\"metadata\":{\"name\":\"route-" + r + "\",\"namespace\":\"bench\",\"generation\":" + (version + 1) + "},"
        + "\"spec\":{\"parentRefs\":[{\"name\":\"gw-" + g + "\"}],\"hostnames\":[\"h" + (r % 7) + ".example.com\"],"
        + "\"rules\":[{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/svc-" + r + "/v" + version + "\"},"
        + "\"headers\":[{\"name\":\"x-tenant\",\"value\":\"t" + r + "\"}]},{\"path\":{\"type\":\"Exact\",\"value\":\"/exact-" + r
        + "\"}}],\"filters\":[{\"type\":\"RequestHeaderModifier\",\"requestHeaderModifier\":{\"set\":[{\"name\":\"x-route\",\"value\":\"r"
        + r + "\"}]}}],\"backendRefs\":[{\"group\":\"gloo.solo.io\",\"kind\":\"Upstream\",\"name\":\"up-" + g + "\"}]}]}}");
    return n;
  }

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
