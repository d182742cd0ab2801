package dev.gloo.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Fills in the {@code default} values of a structural schema, as kube-apiserver does before it
 * validates: for every object that is present, each absent property whose schema has a default
 * gets it (a copy), then defaulting goes on inside it; list items and map values are defaulted
 * by their item schema. Absent objects are not created. The CRDs' CEL rules rely on this (e.g.
 * a parentRef's {@code group} and {@code kind}).
 */
public final class SchemaDefaults {
  private SchemaDefaults() {}

  /** Defaults {@code value} in place. */
  public static void apply(JsonNode schema, JsonNode value) {
    if (schema == null || !schema.isObject() || value == null) {
      return;
    }
    if (value.isObject()) {
      ObjectNode obj = (ObjectNode) value;
      JsonNode props = schema.path("properties");
      Iterator<Map.Entry<String, JsonNode>> it = props.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> p = it.next();
        if (!obj.has(p.getKey()) && p.getValue().has("default")) {
          obj.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode child = props.has(f.getKey()) ? props.get(f.getKey()) : additional.isObject() ? additional : null;
        apply(child, f.getValue());
      }
    } else if (value.isArray() && schema.has("items")) {
      for (JsonNode item : value) {
        apply(schema.get("items"), item);
      }
    }
  }
}
