package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.glooapi.Conditions;
import dev.gloo.glooapi.Conditions.Condition;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Printer;
import dev.gloo.glooapi.ResourceTypes;
import dev.gloo.glooapi.ResourceTypes.Ref;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code glooapi describe}: who the object is, what it asks for, and what the controller said
 * about it: every condition with its reason and message, so a user sees why an object is not
 * Accepted without reading raw status YAML.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Show an object's metadata, spec and conditions (with the reasons it is not Accepted).",
    footer = {"", "Examples:", "  glooapi describe httproute foo", "  glooapi describe gateway/gw -n infra"})
public final class DescribeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TYPE[/NAME] [NAME...]")
  List<String> args = new ArrayList<>();

  @Override
  public void run() {
    GlooApi root = GlooApi.of(spec);
    List<Ref> refs = root.types().refs(args, "describe");
    List<JsonNode> objects = new ArrayList<>();
    for (Ref r : refs) {
      String ns = r.type().namespaced() ? root.namespace() : null;
      if (r.name() == null) {
        for (JsonNode item : root.connection().call("GET", ResourceTypes.collectionPath(r.type(), ns), "application/json",
            null, null).json().path("items")) {
          objects.add(GetCommand.withTypeMeta(r.type(), item));
        }
      } else {
        objects.add(root.connection().call("GET", ResourceTypes.objectPath(r.type(), ns, r.name()), "application/json",
            null, null).json());
      }
    }
    PrintWriter out = root.out();
    for (int i = 0; i < objects.size(); i++) {
      if (i > 0) {
        out.println();
        out.println();
      }
      describe(out, objects.get(i));
    }
    out.flush();
  }

  static void describe(PrintWriter out, JsonNode o) {
    JsonNode md = o.path("metadata");
    field(out, "Name", md.path("name").asText());
    if (md.hasNonNull("namespace")) {
      field(out, "Namespace", md.path("namespace").asText());
    }
    field(out, "Labels", pairs(md.path("labels")));
    field(out, "Annotations", pairs(withoutLastApplied(md.path("annotations"))));
    field(out, "API Version", o.path("apiVersion").asText());
    field(out, "Kind", o.path("kind").asText());
    field(out, "Created", md.path("creationTimestamp").asText("<unknown>"));
    field(out, "Resource Version", md.path("resourceVersion").asText(""));
    if (md.has("generation")) {
      field(out, "Generation", md.path("generation").asText());
    }
    if (o.has("spec")) {
      out.println("Spec:");
      out.print(indent(Printer.yaml(o.get("spec"))));
    } else if (o.has("data") || o.has("type")) {
      // Secrets: the keys and sizes, never the values
      out.println("Type:         " + o.path("type").asText(""));
      out.println("Data:");
      Iterator<Map.Entry<String, JsonNode>> it = o.path("data").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.println("  " + e.getKey() + ":  " + java.util.Base64.getMimeDecoder().decode(e.getValue().asText()).length
            + " bytes");
      }
    }
    List<Condition> conditions = Conditions.of(o);
    out.println("Conditions:");
    if (conditions.isEmpty()) {
      out.println("  <none reported yet: the controller has not written a status>");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Condition c : conditions) {
      rows.add(List.of(c.scope().isEmpty() ? "-" : c.scope(), c.type(), c.status(), c.reason().isEmpty() ? "-" : c.reason(),
          c.message().isEmpty() ? "-" : c.message()));
    }
    java.io.StringWriter table = new java.io.StringWriter();
    new Printer.Table(List.of("Scope", "Type", "Status", "Reason", "Message"), rows).print(new PrintWriter(table), true);
    out.print(indent(table.toString()));
    List<String> problems = new ArrayList<>();
    for (Condition c : conditions) {
      if (!c.isTrue() && !c.message().isEmpty()) {
        problems.add((c.scope().isEmpty() ? "" : c.scope() + ": ") + c.type() + " is " + c.status() + " because "
            + (c.reason().isEmpty() ? "" : c.reason() + ": ") + c.message());
      }
    }
    if (!problems.isEmpty()) {
      out.println("Problems:");
      problems.forEach(p -> out.println("  " + p));
    }
  }

  private static JsonNode withoutLastApplied(JsonNode annotations) {
    if (!annotations.isObject()) {
      return annotations;
    }
    com.fasterxml.jackson.databind.node.ObjectNode copy = annotations.deepCopy();
    copy.remove(dev.gloo.glooapi.Writes.LAST_APPLIED);
    return copy;
  }

  private static void field(PrintWriter out, String name, String value) {
    out.println(String.format("%-18s%s", name + ":", value));
  }

  private static String pairs(JsonNode map) {
    if (!map.isObject() || map.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    map.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    return String.join("\n" + " ".repeat(18), parts);
  }

  private static String indent(String text) {
    StringBuilder sb = new StringBuilder();
    text.lines().forEach(l -> sb.append("  ").append(l).append('\n'));
    return sb.toString();
  }
}
