package dev.gloo.ratelimit.limiter;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;

/** Builds requests as Envoy sends them under the translator's contract. */
public final class Requests {
  private Requests() {}

  /** A descriptor selecting config {@code configId} followed by key/value pairs. */
  public static RateLimitDescriptor descriptor(String configId, String... keyValues) {
    RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder()
        .addEntries(entry(DescriptorMatcher.CONFIG_KEY, configId));
    for (int i = 0; i < keyValues.length; i += 2) {
      d.addEntries(entry(keyValues[i], keyValues[i + 1]));
    }
    return d.build();
  }

  public static RateLimitRequest request(RateLimitDescriptor... descriptors) {
    RateLimitRequest.Builder r = RateLimitRequest.newBuilder().setDomain("solo.io");
    for (RateLimitDescriptor d : descriptors) {
      r.addDescriptors(d);
    }
    return r.build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }
}
