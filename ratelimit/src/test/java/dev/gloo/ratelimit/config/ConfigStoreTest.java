package dev.gloo.ratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {
  private static final String GOOD = """
      metadata: {name: rl, namespace: ns}
      spec: {raw: {descriptors: [{key: k, rateLimit: {requestsPerUnit: 3, unit: SECOND}}]}}
      """;
  private static final String BAD = """
      metadata: {name: rl, namespace: ns}
      spec: {raw: {descriptors: [{key: k, rateLimit: {requestsPerUnit: 3, unit: FORTNIGHT}}]}}
      """;

  @Test
  void aBadEditKeepsThePreviousVersionInForce() {
    ConfigStore store = new ConfigStore();
    store.replaceAll(Map.of("ns/rl", ConfigParserTest.yaml(GOOD)), 5);
    store.replaceAll(Map.of("ns/rl", ConfigParserTest.yaml(BAD)), 6);
    assertEquals(6, store.current().revision());
    assertEquals(Limit.of(3, Unit.SECOND),
        store.current().get("ns.rl").descriptors().get(EntryKey.wildcard("k")).limit());
    assertEquals(1, store.rejectedTotal());
  }

  @Test
  void aBadNewConfigLimitsNothingAndADeletedOneIsGone() {
    ConfigStore store = new ConfigStore();
    store.replaceAll(Map.of("ns/rl", ConfigParserTest.yaml(BAD)), 1);
    assertNull(store.current().get("ns.rl"));
    store.replaceAll(Map.of("ns/rl", ConfigParserTest.yaml(GOOD)), 2);
    store.replaceAll(Map.of(), 3);
    assertNull(store.current().get("ns.rl"));
  }
}
