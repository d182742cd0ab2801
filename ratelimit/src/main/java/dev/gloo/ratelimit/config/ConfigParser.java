package dev.gloo.ratelimit.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the server half of a Gloo RateLimitConfig ({@code spec.raw.descriptors}) into a
 * {@link RateLimitConfig}. The CRD keeps unknown fields and has no schema, so every check
 * happens here; the first problem is thrown with its field path.
 *
 * <p>Besides Gloo's fields (key, value, rateLimit{unit, requestsPerUnit}, descriptors, weight,
 * alwaysApply) a descriptor may carry {@code shadowMode} and {@code rateLimit.unlimited}, the
 * two options of Envoy's reference service that Gloo's schema lacks.
 */
public final class ConfigParser {
  private static final Set<String> DESCRIPTOR_FIELDS =
      Set.of("key", "value", "rateLimit", "descriptors", "weight", "alwaysApply", "shadowMode");
  private static final Set<String> RATE_LIMIT_FIELDS = Set.of("unit", "requestsPerUnit", "unlimited");
  private static final int MAX_DEPTH = 32;

  private ConfigParser() {}

  public static RateLimitConfig parse(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    String name = requiredText(metadata.path("name"), "metadata.name");
    String namespace = requiredText(metadata.path("namespace"), "metadata.namespace");
    JsonNode raw = object.path("spec").path("raw");
    if (!raw.isMissingNode() && !raw.isObject()) {
      throw new InvalidConfigException("spec.raw: must be an object");
    }
    JsonNode setDescriptors = raw.path("setDescriptors");
    if (setDescriptors.isArray() && !setDescriptors.isEmpty()) {
      // Refusing is safer than enforcing only part of what the config asks for.
      throw new InvalidConfigException("spec.raw.setDescriptors: not supported by gloo-ratelimiter");
    }
    return new RateLimitConfig(namespace, name, level(raw.path("descriptors"), "spec.raw.descriptors", 1));
  }

  private static Map<EntryKey, DescriptorNode> level(JsonNode list, String path, int depth) {
    Map<EntryKey, DescriptorNode> out = new HashMap<>();
    if (list.isMissingNode() || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw new InvalidConfigException(path + ": must be a list");
    }
    if (depth > MAX_DEPTH) {
      throw new InvalidConfigException(path + ": descriptors nest deeper than " + MAX_DEPTH + " levels");
    }
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      DescriptorNode node = descriptor(list.get(i), at, depth);
      if (out.putIfAbsent(node.entryKey(), node) != null) {
        throw new InvalidConfigException(at + ": duplicate descriptor key '" + node.key() + "'"
            + (node.value() == null ? "" : " value '" + node.value() + "'") + " at this level");
      }
    }
    return out;
  }

  private static DescriptorNode descriptor(JsonNode d, String path, int depth) {
    if (!d.isObject()) {
      throw new InvalidConfigException(path + ": must be an object");
    }
    rejectUnknown(d, DESCRIPTOR_FIELDS, path);
    String key = requiredText(d.path("key"), path + ".key");
    String value = optionalText(d.path("value"), path + ".value");
    Limit limit = rateLimit(d.path("rateLimit"), path + ".rateLimit");
    return new DescriptorNode(
        key,
        value == null || value.isEmpty() ? null : value,
        limit,
        bool(d.path("shadowMode"), path + ".shadowMode"),
        uint32(d.path("weight"), path + ".weight", 0),
        bool(d.path("alwaysApply"), path + ".alwaysApply"),
        level(d.path("descriptors"), path + ".descriptors", depth + 1));
  }

  private static Limit rateLimit(JsonNode r, String path) {
    if (r.isMissingNode() || r.isNull()) {
      return null;
    }
    if (!r.isObject()) {
      throw new InvalidConfigException(path + ": must be an object");
    }
    rejectUnknown(r, RATE_LIMIT_FIELDS, path);
    if (bool(r.path("unlimited"), path + ".unlimited")) {
      if (r.has("unit") || r.has("requestsPerUnit")) {
        throw new InvalidConfigException(path + ": unlimited excludes unit and requestsPerUnit");
      }
      return Limit.none();
    }
    if (!r.has("unit")) {
      throw new InvalidConfigException(path + ".unit: required (SECOND, MINUTE, HOUR or DAY)");
    }
    return Limit.of(uint32(r.path("requestsPerUnit"), path + ".requestsPerUnit", 0), unit(r.path("unit"), path + ".unit"));
  }

  /** Gloo writes enums as names or numbers (EnumAsIntOrString); 0 is UNKNOWN and not a unit. */
  private static Unit unit(JsonNode u, String path) {
    if (u.isIntegralNumber()) {
      int n = u.asInt();
      if (n >= 1 && n <= 4 && u.canConvertToInt()) {
        return Unit.values()[n - 1];
      }
    } else if (u.isTextual()) {
      try {
        return Unit.valueOf(u.asText().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // falls through to the error naming the accepted values
      }
    }
    throw new InvalidConfigException(path + ": must be SECOND, MINUTE, HOUR or DAY, found " + u);
  }

  private static void rejectUnknown(JsonNode object, Set<String> known, String path) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw new InvalidConfigException(path + "." + field + ": unknown field (known: "
            + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String requiredText(JsonNode n, String path) {
    String s = optionalText(n, path);
    if (s == null || s.isEmpty()) {
      throw new InvalidConfigException(path + ": required");
    }
    return s;
  }

  private static String optionalText(JsonNode n, String path) {
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidConfigException(path + ": must be a string, found " + n.getNodeType());
    }
    return n.asText();
  }

  private static boolean bool(JsonNode n, String path) {
    if (n.isMissingNode() || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new InvalidConfigException(path + ": must be true or false, found " + n);
    }
    return n.asBoolean();
  }

  private static long uint32(JsonNode n, String path, long absent) {
    if (n.isMissingNode() || n.isNull()) {
      return absent;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0 || n.asLong() > Limit.MAX_REQUESTS_PER_UNIT) {
      throw new InvalidConfigException(path + ": must be an integer from 0 to " + Limit.MAX_REQUESTS_PER_UNIT + ", found " + n);
    }
    return n.asLong();
  }
}
