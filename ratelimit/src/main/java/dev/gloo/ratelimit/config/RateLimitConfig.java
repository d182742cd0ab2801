package dev.gloo.ratelimit.config;

import java.util.Map;

/**
 * A parsed RateLimitConfig: the top level of its descriptor tree. Requests select it with the
 * descriptor entry ({@code solo.io/config}, {@link #id()}).
 */
public record RateLimitConfig(String namespace, String name, Map<EntryKey, DescriptorNode> descriptors) {
  public RateLimitConfig {
    descriptors = Map.copyOf(descriptors);
  }

  /** The value of the selecting {@code solo.io/config} entry: {@code <namespace>.<name>}. */
  public String id() {
    return idOf(namespace, name);
  }

  public static String idOf(String namespace, String name) {
    return namespace + "." + name;
  }
}
