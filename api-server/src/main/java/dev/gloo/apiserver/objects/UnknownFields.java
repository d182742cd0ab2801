package dev.gloo.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fields an object carries that its structural schema does not declare. kube-apiserver prunes
 * them, and with {@code fieldValidation=Strict} refuses the object instead; this finds them
 * (for the error or the warning) and prunes them.
 */
public final class UnknownFields {
  private static final List<String> ROOT_FIELDS = List.of("apiVersion", "kind", "metadata");

  private UnknownFields() {}

  /** The paths of unknown fields, e.g. {@code spec.hostnamez}; prunes them when asked. */
  public static List<String> find(JsonNode schema, JsonNode object, boolean prune) {
    List<String> out = new ArrayList<>();
    walk(schema, object, "", prune, out, true);
    return out;
  }

  private static void walk(JsonNode schema, JsonNode value, String path, boolean prune,
      List<String> out, boolean root) {
    if (schema == null || value == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isObject()) {
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (root && ROOT_FIELDS.contains(f.getKey())) {
          continue;
        }
        if (props.has(f.getKey())) {
          walk(props.get(f.getKey()), f.getValue(), child, prune, out, false);
        } else if (additional.isObject()) {
          walk(additional, f.getValue(), child, prune, out, false);
        } else if (additional.isBoolean() && additional.asBoolean()) {
          // any value allowed
        } else if (props.isMissingNode() && !schema.has("type")) {
          // an untyped schema accepts anything
        } else {
          out.add(child);
          if (prune) {
            it.remove();
          }
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        walk(schema.get("items"), value.get(i), path + "[" + i + "]", prune, out, false);
      }
    }
  }

  static void pruneAll(JsonNode schema, ObjectNode object) {
    find(schema, object, true);
  }
}
