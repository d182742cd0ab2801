package dev.gloo.glooapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Output the way kubectl prints it: aligned tables, YAML, JSON. */
public final class Printer {
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
  public static final ObjectMapper JSON = new ObjectMapper();
  /** kubectl's JSON layout: {@code "key": value}, two-space indents, one array item a line. */
  private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter PRETTY =
      new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
          .withObjectEmptySeparator("").withArrayEmptySeparator(""))
          .withArrayIndenter(com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);

  private Printer() {}

  public static String yaml(JsonNode n) {
    try {
      return YAML.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  public static String json(JsonNode n) {
    try {
      return JSON.writer(PRETTY).writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** kubectl's {@code -o yaml} of several objects: a {@code v1 List}. */
  public static ObjectNode list(List<JsonNode> items) {
    ObjectNode l = JsonNodeFactory.instance.objectNode();
    l.put("apiVersion", "v1");
    l.putArray("items").addAll(items);
    l.put("kind", "List");
    l.putObject("metadata").put("resourceVersion", "");
    return l;
  }

  /** A table with upper-case headers, columns three spaces apart, no trailing spaces. */
  public record Table(List<String> headers, List<List<String>> rows) {
    public Table {
      headers = List.copyOf(headers);
      rows = rows.stream().map(List::copyOf).toList();
    }

    public void print(PrintWriter out, boolean withHeaders) {
      List<List<String>> lines = new ArrayList<>();
      if (withHeaders) {
        lines.add(headers.stream().map(h -> h.toUpperCase(Locale.ROOT)).toList());
      }
      lines.addAll(rows);
      int[] width = new int[headers.size()];
      for (List<String> l : lines) {
        for (int i = 0; i < l.size() && i < width.length; i++) {
          width[i] = Math.max(width[i], l.get(i).length());
        }
      }
      for (List<String> l : lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
          sb.append(l.get(i));
          if (i < l.size() - 1) {
            sb.append(" ".repeat(width[i] - l.get(i).length() + 3));
          }
        }
        out.println(sb.toString().stripTrailing());
      }
      out.flush();
    }
  }

  /** A table cell as kubectl shows it: {@code <none>} for nothing, lists joined with commas. */
  public static String cell(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "<none>";
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
      return parts.isEmpty() ? "<none>" : String.join(",", parts);
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }
}
