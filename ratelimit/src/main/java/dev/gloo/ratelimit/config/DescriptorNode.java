package dev.gloo.ratelimit.config;

import java.util.Map;

/**
 * One node of a RateLimitConfig's descriptor tree. {@code value == null} matches any value of
 * {@code key} (each distinct value gets its own counter). {@code limit == null} means the node
 * only leads to nested descriptors. {@code weight} and {@code alwaysApply} are Gloo's rule
 * priority: of all the limits a request matches, only those of the highest weight and those
 * marked alwaysApply are counted.
 */
public record DescriptorNode(
    String key,
    String value,
    Limit limit,
    boolean shadowMode,
    long weight,
    boolean alwaysApply,
    Map<EntryKey, DescriptorNode> children) {

  public DescriptorNode {
    children = Map.copyOf(children);
  }

  public EntryKey entryKey() {
    return new EntryKey(key, value);
  }
}
