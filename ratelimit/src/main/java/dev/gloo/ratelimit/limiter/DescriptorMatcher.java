package dev.gloo.ratelimit.limiter;

import dev.gloo.ratelimit.config.ConfigSnapshot;
import dev.gloo.ratelimit.config.DescriptorNode;
import dev.gloo.ratelimit.config.EntryKey;
import dev.gloo.ratelimit.config.Limit;
import dev.gloo.ratelimit.config.RateLimitConfig;
import dev.gloo.ratelimit.config.Unit;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import java.util.Map;

/**
 * Finds the limit a request descriptor falls under; a pure function of the descriptor and the
 * configs.
 *
 * <p>The contract with the translator: the first entry is ({@value #CONFIG_KEY},
 * {@code <namespace>.<name>}) and selects a RateLimitConfig; the remaining entries walk that
 * config's descriptor tree as Envoy's reference service walks its own: at each level an entry
 * matches the node with its key and value, else the node with its key and no value. The limit
 * applies only when every entry matched and the last node matched has one. A descriptor that
 * selects no known config matches nothing (Envoy may send descriptors meant for others).
 */
public final class DescriptorMatcher {
  public static final String CONFIG_KEY = "solo.io/config";

  private DescriptorMatcher() {}

  /** @return the match, or null when the descriptor is not limited */
  public static Match match(String domain, RateLimitDescriptor descriptor, ConfigSnapshot configs) {
    if (descriptor.getEntriesCount() == 0) {
      return null;
    }
    RateLimitDescriptor.Entry first = descriptor.getEntries(0);
    if (!CONFIG_KEY.equals(first.getKey())) {
      return null;
    }
    RateLimitConfig config = configs.get(first.getValue());
    if (config == null) {
      return null;
    }
    if (descriptor.hasLimit()) {
      // Envoy's per-route override (RateLimitOverride) replaces whatever the tree would say.
      RateLimitDescriptor.RateLimitOverride o = descriptor.getLimit();
      Limit limit = Limit.of(Integer.toUnsignedLong(o.getRequestsPerUnit()), unit(o.getUnit()));
      return new Match(limit, false, 0, false, counterKey(domain, descriptor));
    }
    Map<EntryKey, DescriptorNode> level = config.descriptors();
    DescriptorNode top = null;
    DescriptorNode node = null;
    for (int i = 1; i < descriptor.getEntriesCount(); i++) {
      RateLimitDescriptor.Entry entry = descriptor.getEntries(i);
      node = level.get(new EntryKey(entry.getKey(), entry.getValue()));
      if (node == null) {
        node = level.get(EntryKey.wildcard(entry.getKey()));
      }
      if (node == null) {
        return null;
      }
      if (top == null) {
        top = node;
      }
      if (i < descriptor.getEntriesCount() - 1) {
        level = node.children();
      }
    }
    if (node == null || node.limit() == null) {
      return null;
    }
    return new Match(node.limit(), node.shadowMode(), top.weight(), top.alwaysApply(), counterKey(domain, descriptor));
  }

  private static Unit unit(RateLimitUnit u) {
    switch (u) {
      case SECOND:
        return Unit.SECOND;
      case MINUTE:
        return Unit.MINUTE;
      case HOUR:
        return Unit.HOUR;
      case DAY:
        return Unit.DAY;
      default:
        throw new InvalidRequestException("descriptor limit override: unit " + u + " is not supported (SECOND, MINUTE, HOUR, DAY)");
    }
  }

  /**
   * {@code domain|k1=v1|k2=v2}, with {@code %}, {@code |} and {@code =} escaped so that two
   * different descriptors never share a counter.
   */
  static String counterKey(String domain, RateLimitDescriptor descriptor) {
    StringBuilder b = new StringBuilder(64);
    escape(b, domain);
    for (RateLimitDescriptor.Entry e : descriptor.getEntriesList()) {
      b.append('|');
      escape(b, e.getKey());
      b.append('=');
      escape(b, e.getValue());
    }
    return b.toString();
  }

  private static void escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '%':
          b.append("%25");
          break;
        case '|':
          b.append("%7C");
          break;
        case '=':
          b.append("%3D");
          break;
        default:
          b.append(c);
      }
    }
  }
}
