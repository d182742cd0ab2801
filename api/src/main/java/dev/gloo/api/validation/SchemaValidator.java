package dev.gloo.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.gloo.api.crd.ResourceType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an object against its CRD's {@code openAPIV3Schema} with the networknt validator, and
 * words each problem as kube-apiserver does. The OpenAPI dialect differs from JSON Schema draft
 * 4 in a few keywords, which {@link #toJsonSchema} rewrites: {@code nullable},
 * {@code x-kubernetes-int-or-string}, and {@code metadata} (checked by the API server itself,
 * never by a CRD schema).
 */
public final class SchemaValidator {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  public List<FieldError> validate(ResourceType type, JsonNode object) {
    if (type.schema().isEmpty()) {
      return List.of();
    }
    Schema schema = compiled.computeIfAbsent(type.apiVersion() + "/" + type.kind(),
        k -> registry.getSchema(toJsonSchema(type.schema().get(), true)));
    List<FieldError> out = new ArrayList<>();
    for (Error e : schema.validate(object)) {
      out.add(toFieldError(e));
    }
    return out;
  }

  /** Rewrites an OpenAPI v3 structural schema into JSON Schema draft 4. */
  static JsonNode toJsonSchema(JsonNode openApi, boolean root) {
    if (!openApi.isObject()) {
      return openApi;
    }
    ObjectNode out = NODES.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = openApi.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      switch (k) {
        case "properties", "patternProperties" -> {
          ObjectNode props = out.putObject(k);
          v.fields().forEachRemaining(p -> props.set(p.getKey(),
              root && p.getKey().equals("metadata") ? NODES.objectNode().put("type", "object")
                  : toJsonSchema(p.getValue(), false)));
        }
        case "items", "additionalProperties", "not" -> out.set(k, toJsonSchema(v, false));
        case "allOf", "anyOf", "oneOf" -> {
          ArrayNode arr = out.putArray(k);
          v.forEach(s -> arr.add(toJsonSchema(s, false)));
        }
        case "description", "x-kubernetes-validations", "x-kubernetes-list-type",
            "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-embedded-resource",
            "x-kubernetes-preserve-unknown-fields", "format", "default", "example" -> {
          // Annotations, or checked elsewhere (CEL rules, unknown fields, defaults); "format"
          // values such as int32 are OpenAPI's, not JSON Schema's.
        }
        default -> out.set(k, v);
      }
    }
    if (openApi.path("x-kubernetes-int-or-string").asBoolean(false)) {
      out.remove("x-kubernetes-int-or-string");
      ArrayNode anyOf = out.putArray("anyOf");
      anyOf.addObject().put("type", "integer");
      anyOf.addObject().put("type", "string");
    }
    if (openApi.path("nullable").asBoolean(false) && out.has("type") && out.get("type").isTextual()) {
      ArrayNode types = NODES.arrayNode().add(out.get("type").asText()).add("null");
      out.set("type", types);
      if (out.has("enum")) {
        ((ArrayNode) out.get("enum")).addNull();
      }
    }
    out.remove("nullable");
    return out;
  }

  private static FieldError toFieldError(Error e) {
    String at = path(e.getInstanceLocation());
    JsonNode value = e.getInstanceNode();
    JsonNode schema = e.getSchemaNode();
    String keyword = e.getKeyword();
    return switch (keyword) {
      case "required" -> new FieldError(FieldError.Reason.FieldValueRequired,
          FieldPath.child(at, e.getProperty()), "Required value");
      case "enum" -> new FieldError(FieldError.Reason.FieldValueNotSupported, at,
          "Unsupported value: " + render(value) + ": supported values: " + supported(schema));
      case "type" -> new FieldError(FieldError.Reason.FieldValueTypeInvalid, at,
          "Invalid value: " + quoted(typeOf(value)) + ": " + at + " in body must be of type "
              + expectedType(schema) + ": " + quoted(typeOf(value)));
      case "maxLength" -> new FieldError(FieldError.Reason.FieldValueTooLong, at,
          "Too long: may not be more than " + schema.asText() + " bytes");
      case "maxItems" -> new FieldError(FieldError.Reason.FieldValueTooMany, at,
          "Too many: " + value.size() + ": must have at most " + schema.asText() + " items");
      case "maxProperties" -> new FieldError(FieldError.Reason.FieldValueTooMany, at,
          "Too many: " + value.size() + ": must have at most " + schema.asText() + " properties");
      default -> new FieldError(FieldError.Reason.FieldValueInvalid, at,
          "Invalid value: " + render(value) + ": " + describe(keyword, schema, at));
    };
  }

  private static String describe(String keyword, JsonNode schema, String at) {
    return switch (keyword) {
      case "pattern" -> at + " in body should match '" + schema.asText() + "'";
      case "minLength" -> at + " in body should be at least " + schema.asText() + " chars long";
      case "minimum" -> at + " in body should be greater than or equal to " + schema.asText();
      case "maximum" -> at + " in body should be less than or equal to " + schema.asText();
      case "minItems" -> at + " in body should have at least " + schema.asText() + " items";
      case "uniqueItems" -> at + " in body shouldn't contain duplicates";
      default -> at + " in body fails the schema's " + keyword + " rule";
    };
  }

  static String path(NodePath p) {
    String out = "";
    for (int i = 0; i < p.getNameCount(); i++) {
      Object el = p.getElement(i);
      out = el instanceof Integer n ? FieldPath.index(out, n) : FieldPath.child(out, String.valueOf(el));
    }
    return out.isEmpty() ? "<root>" : out;
  }

  private static String supported(JsonNode enumNode) {
    List<String> values = new ArrayList<>();
    enumNode.forEach(v -> values.add(render(v)));
    return String.join(", ", values);
  }

  private static String expectedType(JsonNode typeNode) {
    return typeNode.isArray() ? typeNode.get(0).asText() : typeNode.asText();
  }

  static String render(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return quoted(v.asText());
    }
    if (v.isObject()) {
      return "\"object\"";
    }
    if (v.isArray()) {
      return "\"array\"";
    }
    return v.toString();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String typeOf(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    return v.isArray() ? "array" : "object";
  }
}
