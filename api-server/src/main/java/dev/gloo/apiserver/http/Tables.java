package dev.gloo.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.ResourceType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code meta.k8s.io/v1 Table} responses for {@code kubectl get}: a Name column, then the CRD's
 * {@code additionalPrinterColumns}; cells are rendered as kubectl prints them (ages as
 * {@code 5m}), and each row carries the object's metadata as PartialObjectMetadata.
 */
public final class Tables {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern FILTER = Pattern.compile("\\?\\(@\\.([\\w.]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)");

  private Tables() {}

  public static ObjectNode table(ResourceType t, List<ObjectNode> objects, String resourceVersion,
      boolean withColumns, Instant now) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    if (withColumns) {
      ArrayNode cols = table.putArray("columnDefinitions");
      cols.addObject().put("name", "Name").put("type", "string").put("format", "name")
          .put("description", "Name must be unique within a namespace.").put("priority", 0);
      for (ResourceType.PrinterColumn c : columns(t)) {
        cols.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
            .put("description", c.description()).put("priority", c.priority());
      }
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode o : objects) {
      rows.add(row(t, o, now));
    }
    return table;
  }

  private static List<ResourceType.PrinterColumn> columns(ResourceType t) {
    if (!t.printerColumns().isEmpty()) {
      return t.printerColumns();
    }
    return List.of(new ResourceType.PrinterColumn("Age", "date", ".metadata.creationTimestamp", "", 0, ""));
  }

  static ObjectNode row(ResourceType t, ObjectNode o, Instant now) {
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    cells.add(o.path("metadata").path("name").asText());
    for (ResourceType.PrinterColumn c : columns(t)) {
      List<JsonNode> values = evaluate(o, c.jsonPath());
      if (values.isEmpty()) {
        cells.addNull();
      } else if (c.type().equals("date")) {
        cells.add(age(values.get(0).asText(), now));
      } else if (values.size() == 1 && !values.get(0).isContainerNode()) {
        cells.add(values.get(0));
      } else {
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(v.isTextual() ? v.asText() : v.toString()));
        cells.add(String.join(",", parts));
      }
    }
    ObjectNode partial = row.putObject("object");
    partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
    partial.set("metadata", o.path("metadata").deepCopy());
    return row;
  }

  /** The subset of kubectl's JSONPath the printer columns use: fields, [n], [*], [?(@.a=="b")]. */
  static List<JsonNode> evaluate(JsonNode root, String path) {
    List<JsonNode> current = List.of(root);
    String p = path.startsWith("{") ? path.substring(1, path.length() - 1) : path;
    p = p.startsWith("$") ? p.substring(1) : p;
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
          end++;
        }
        String field = p.substring(i + 1, end);
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode n : current) {
          if (n.has(field)) {
            next.add(n.get(field));
          }
        }
        current = next;
        i = end;
      } else if (c == '[') {
        int end = p.indexOf(']', i);
        String inner = p.substring(i + 1, end);
        // a filter may itself contain ']' only inside quotes; the printer columns never do
        List<JsonNode> next = new ArrayList<>();
        Matcher m = FILTER.matcher(inner);
        for (JsonNode n : current) {
          if (!n.isArray()) {
            continue;
          }
          if (inner.equals("*")) {
            n.forEach(next::add);
          } else if (m.matches()) {
            for (JsonNode e : n) {
              JsonNode v = e;
              for (String f : m.group(1).split("\\.")) {
                v = v.path(f);
              }
              if (v.isValueNode() && v.asText().equals(m.group(2))) {
                next.add(e);
              }
            }
          } else {
            try {
              int idx = Integer.parseInt(inner.strip());
              if (idx >= 0 && idx < n.size()) {
                next.add(n.get(idx));
              }
            } catch (NumberFormatException e) {
              return List.of();
            }
          }
        }
        current = next;
        i = end + 1;
      } else {
        return List.of();
      }
    }
    return current;
  }

  /** kubectl's short age: 45s, 5m, 3h, 2d, 120d. */
  static String age(String timestamp, Instant now) {
    try {
      Duration d = Duration.between(Instant.parse(timestamp), now);
      long s = Math.max(0, d.getSeconds());
      if (s < 120) {
        return s + "s";
      }
      if (s < 3600 * 3) {
        return (s / 60) + "m";
      }
      if (s < 86400 * 2) {
        return (s / 3600) + "h";
      }
      return (s / 86400) + "d";
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }
}
