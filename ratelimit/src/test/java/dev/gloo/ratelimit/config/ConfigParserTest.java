package dev.gloo.ratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode yaml(String s) {
    try {
      return YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode config(String descriptors) {
    return yaml("apiVersion: ratelimit.solo.io/v1alpha1\nkind: RateLimitConfig\n"
        + "metadata: {name: rl, namespace: gloo-system}\nspec:\n  raw:\n    descriptors:\n" + descriptors.indent(4));
  }

  private static String errorOf(String descriptors) {
    return assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(config(descriptors))).getMessage();
  }

  @Test
  void readsTheSeedsOnePerMinuteConfig() {
    RateLimitConfig c = ConfigParser.parse(yaml("""
        apiVersion: ratelimit.solo.io/v1alpha1
        kind: RateLimitConfig
        metadata: {name: ratelimit-config, namespace: gloo-system}
        spec:
          raw:
            descriptors:
            - key: generic_key
              value: counter
              rateLimit: {requestsPerUnit: 1, unit: MINUTE}
            rateLimits:
            - actions:
              - genericKey: {descriptorValue: counter}
        """));
    assertEquals("gloo-system.ratelimit-config", c.id());
    DescriptorNode node = c.descriptors().get(new EntryKey("generic_key", "counter"));
    assertEquals(Limit.of(1, Unit.MINUTE), node.limit());
  }

  @Test
  void readsNestingWildcardsWeightsShadowModeUnlimitedAndNumericUnits() {
    RateLimitConfig c = ConfigParser.parse(config("""
        - key: remote_address
          weight: 2
          alwaysApply: true
          descriptors:
          - key: path
            value: /login
            shadowMode: true
            rateLimit: {requestsPerUnit: 5, unit: 1}
          - key: path
            rateLimit: {unlimited: true}
        """));
    DescriptorNode top = c.descriptors().get(EntryKey.wildcard("remote_address"));
    assertNull(top.limit());
    assertEquals(2, top.weight());
    assertTrue(top.alwaysApply());
    DescriptorNode login = top.children().get(new EntryKey("path", "/login"));
    assertEquals(Limit.of(5, Unit.SECOND), login.limit());
    assertTrue(login.shadowMode());
    assertTrue(top.children().get(EntryKey.wildcard("path")).limit().unlimited());
  }

  @Test
  void namesTheFieldOfEachMistake() {
    assertEquals("spec.raw.descriptors[0].key: required", errorOf("- value: x"));
    assertEquals("spec.raw.descriptors[0].rateLimit.unit: must be SECOND, MINUTE, HOUR or DAY, found \"WEEK\"",
        errorOf("- key: k\n  rateLimit: {requestsPerUnit: 1, unit: WEEK}"));
    assertEquals("spec.raw.descriptors[0].rateLimit.unit: required (SECOND, MINUTE, HOUR or DAY)",
        errorOf("- key: k\n  rateLimit: {requestsPerUnit: 1}"));
    assertEquals("spec.raw.descriptors[0].rateLimit.requestsPerUnit: must be an integer from 0 to 4294967295, found -1",
        errorOf("- key: k\n  rateLimit: {requestsPerUnit: -1, unit: SECOND}"));
    assertEquals("spec.raw.descriptors[0].descriptors[1]: duplicate descriptor key 'b' value 'v' at this level",
        errorOf("- key: a\n  descriptors:\n  - {key: b, value: v}\n  - {key: b, value: v}"));
    assertTrue(errorOf("- key: k\n  ratelimit: {}").startsWith("spec.raw.descriptors[0].ratelimit: unknown field"));
    assertEquals("spec.raw.descriptors[0].weight: must be an integer from 0 to 4294967295, found \"high\"",
        errorOf("- key: k\n  weight: high"));
    assertEquals("spec.raw.descriptors: must be a list", errorOf("  key: k"));
  }

  @Test
  void refusesSetDescriptorsRatherThanEnforcingHalfTheConfig() {
    JsonNode c = yaml("metadata: {name: a, namespace: b}\nspec: {raw: {setDescriptors: [{simpleDescriptors: []}]}}");
    assertEquals("spec.raw.setDescriptors: not supported by gloo-ratelimiter",
        assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(c)).getMessage());
  }
}
