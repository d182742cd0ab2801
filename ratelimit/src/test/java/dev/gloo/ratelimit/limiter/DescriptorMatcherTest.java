package dev.gloo.ratelimit.limiter;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gloo.ratelimit.config.ConfigParser;
import dev.gloo.ratelimit.config.ConfigSnapshot;
import dev.gloo.ratelimit.config.Limit;
import dev.gloo.ratelimit.config.RateLimitConfig;
import dev.gloo.ratelimit.config.Unit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescriptorMatcherTest {
  static ConfigSnapshot snapshot(String yaml) {
    try {
      RateLimitConfig c = ConfigParser.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml));
      return new ConfigSnapshot(Map.of(c.id(), c), 1);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final ConfigSnapshot CONFIGS = snapshot("""
      metadata: {name: rl, namespace: ns}
      spec:
        raw:
          descriptors:
          - key: generic_key
            value: counter
            rateLimit: {requestsPerUnit: 1, unit: MINUTE}
          - key: remote_address
            rateLimit: {requestsPerUnit: 10, unit: SECOND}
            descriptors:
            - key: path
              value: /login
              rateLimit: {requestsPerUnit: 2, unit: HOUR}
          - key: header
            value: vip
            rateLimit: {requestsPerUnit: 100, unit: SECOND}
          - key: header
            rateLimit: {requestsPerUnit: 3, unit: SECOND}
          - key: tenant
            descriptors:
            - key: plan
              rateLimit: {requestsPerUnit: 7, unit: DAY}
      """);

  private static Limit limitOf(RateLimitDescriptor d) {
    Match m = DescriptorMatcher.match("solo.io", d, CONFIGS);
    return m == null ? null : m.limit();
  }

  @Test
  void exactValueMatchesBeforeTheKeyOnlyNode() {
    assertEquals(Limit.of(100, Unit.SECOND), limitOf(descriptor("ns.rl", "header", "vip")));
    assertEquals(Limit.of(3, Unit.SECOND), limitOf(descriptor("ns.rl", "header", "anyone")));
  }

  @Test
  void nestedDescriptorsNeedEveryEntryToMatchAndTheLastNodeToHaveALimit() {
    assertEquals(Limit.of(10, Unit.SECOND), limitOf(descriptor("ns.rl", "remote_address", "1.2.3.4")));
    assertEquals(Limit.of(2, Unit.HOUR), limitOf(descriptor("ns.rl", "remote_address", "1.2.3.4", "path", "/login")));
    assertNull(limitOf(descriptor("ns.rl", "remote_address", "1.2.3.4", "path", "/other")));
    assertNull(limitOf(descriptor("ns.rl", "generic_key", "counter", "extra", "x")));
    assertNull(limitOf(descriptor("ns.rl", "tenant", "t1")), "a node without a limit limits nothing");
    assertEquals(Limit.of(7, Unit.DAY), limitOf(descriptor("ns.rl", "tenant", "t1", "plan", "gold")));
  }

  @Test
  void onlyTheSelectedConfigIsConsulted() {
    assertEquals(Limit.of(1, Unit.MINUTE), limitOf(descriptor("ns.rl", "generic_key", "counter")));
    assertNull(limitOf(descriptor("ns.other", "generic_key", "counter")));
    assertNull(limitOf(descriptor("ns.rl")), "the selector alone matches no descriptor");
    RateLimitDescriptor noSelector = RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue("counter")).build();
    assertNull(limitOf(noSelector));
  }

  @Test
  void eachValueOfAWildcardKeyHasItsOwnCounter() {
    Match a = DescriptorMatcher.match("solo.io", descriptor("ns.rl", "remote_address", "1.1.1.1"), CONFIGS);
    Match b = DescriptorMatcher.match("solo.io", descriptor("ns.rl", "remote_address", "2.2.2.2"), CONFIGS);
    assertNotEquals(a.counterKey(), b.counterKey());
  }

  @Test
  void separatorsInsideKeysAndValuesCannotMakeTwoDescriptorsShareACounter() {
    assertNotEquals(
        DescriptorMatcher.counterKey("solo.io", descriptor("ns.rl", "a|b", "c")),
        DescriptorMatcher.counterKey("solo.io", descriptor("ns.rl", "a", "b|c")));
    assertNotEquals(
        DescriptorMatcher.counterKey("solo.io", descriptor("ns.rl", "a=b", "c")),
        DescriptorMatcher.counterKey("solo.io", descriptor("ns.rl", "a", "b=c")));
  }

  @Test
  void envoysLimitOverrideReplacesTheTreesLimit() {
    RateLimitDescriptor d = descriptor("ns.rl", "generic_key", "counter").toBuilder()
        .setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder().setRequestsPerUnit(42).setUnit(RateLimitUnit.HOUR))
        .build();
    assertEquals(Limit.of(42, Unit.HOUR), limitOf(d));
    RateLimitDescriptor month = d.toBuilder()
        .setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder().setRequestsPerUnit(1).setUnit(RateLimitUnit.MONTH))
        .build();
    assertThrows(InvalidRequestException.class, () -> limitOf(month));
  }
}
