package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.DurationConverter;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Printer;
import dev.gloo.glooapi.ResourceTypes;
import dev.gloo.glooapi.ResourceTypes.Ref;
import dev.gloo.glooapi.ServerError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code glooapi get}: tables built by the server from the CRDs' printer columns (the same
 * {@code as=Table} request kubectl makes), or the objects as YAML, JSON or names.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Display one or many objects.",
    footer = {"", "Examples:", "  glooapi get gateways -A", "  glooapi get httproute/foo -o yaml",
        "  glooapi get upstreams -l app=web -o wide", "  glooapi get gtw -w"})
public final class GetCommand implements Runnable {
  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TYPE[/NAME] [NAME...]", description = "What to show.")
  List<String> args = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "yaml, json, wide or name.")
  String output;

  @Option(names = {"-A", "--all-namespaces"}, description = "List across all namespaces.")
  boolean allNamespaces;

  @Option(names = {"-l", "--selector"}, description = "Label selector, like app=web,tier!=db.")
  String selector;

  @Option(names = {"-w", "--watch"}, description = "After listing, print every change as it happens.")
  boolean watch;

  @Option(names = "--watch-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "With -w: stop watching after this long (default: never).")
  Duration watchTimeout;

  /** The column definitions of the first Table answer; watch events carry rows only. */
  private JsonNode columns;

  @Override
  public void run() {
    if (output != null && !List.of("yaml", "json", "wide", "name").contains(output)) {
      throw new CliException("unable to match a printer suitable for the output format \"" + output
          + "\", allowed formats are: json,name,wide,yaml");
    }
    GlooApi root = GlooApi.of(spec);
    List<Ref> refs = root.types().refs(args, "get");
    boolean named = refs.get(0).name() != null;
    if (named && (allNamespaces || selector != null)) {
      throw new CliException(allNamespaces ? "a resource cannot be retrieved by name across all namespaces"
          : "name cannot be provided when a selector is specified");
    }
    if (named && refs.size() > 1 && watch) {
      throw new CliException("watch is only supported on a single object, or on all objects of a type");
    }
    String ns = allNamespaces ? null : root.namespace();
    boolean table = output == null || output.equals("wide");
    if (!named) {
      listed(root, refs.get(0).type(), ns, table);
    } else {
      byName(root, refs, ns, table);
    }
  }

  private void byName(GlooApi root, List<Ref> refs, String ns, boolean table) {
    Connection c = root.connection();
    List<JsonNode> objects = new ArrayList<>();
    List<ServerError> missing = new ArrayList<>();
    // One table per type, in the order the types were named, as kubectl prints them.
    java.util.Map<ResourceType, List<List<String>>> rowsByType = new java.util.LinkedHashMap<>();
    java.util.Map<ResourceType, List<String>> headersByType = new java.util.LinkedHashMap<>();
    String rv = null;
    for (Ref r : refs) {
      try {
        Connection.Response resp = c.call("GET", ResourceTypes.objectPath(r.type(), ns, r.name()),
            table ? TABLE : "application/json", null, null);
        JsonNode body = resp.json();
        rv = body.path("metadata").path("resourceVersion").asText(rv);
        if (table) {
          Printer.Table t = toTable(body, false);
          headersByType.putIfAbsent(r.type(), t.headers());
          rowsByType.computeIfAbsent(r.type(), k -> new ArrayList<>()).addAll(t.rows());
        } else {
          objects.add(body);
        }
      } catch (ServerError e) {
        if (e.code() != 404) {
          throw e;
        }
        missing.add(e);
      }
    }
    PrintWriter out = root.out();
    if (table) {
      boolean first = true;
      for (ResourceType t : rowsByType.keySet()) {
        if (!first) {
          out.println();
        }
        first = false;
        new Printer.Table(headersByType.get(t), rowsByType.get(t)).print(out, true);
      }
    } else {
      printObjects(out, refs.get(0).type(), objects, objects.size() == 1 && refs.size() == 1);
    }
    if (watch && missing.isEmpty()) {
      watch(root, refs.get(0).type(), ns, refs.get(0).name(), rv, table, !rowsByType.isEmpty());
    }
    if (!missing.isEmpty()) {
      // Like kubectl: print what was found, then fail on what was not.
      missing.subList(0, missing.size() - 1).forEach(e -> root.err().println("error: " + e.getMessage()));
      root.err().flush();
      throw missing.get(missing.size() - 1);
    }
  }

  private void listed(GlooApi root, ResourceType type, String ns, boolean table) {
    String path = ResourceTypes.collectionPath(type, ns) + query();
    JsonNode body = root.connection().call("GET", path, table ? TABLE : "application/json", null, null).json();
    String rv = body.path("metadata").path("resourceVersion").asText("");
    PrintWriter out = root.out();
    Printer.Table t = null;
    if (table) {
      t = toTable(body, ns == null && type.namespaced());
      if (t.rows().isEmpty() && !watch) {
        root.err().println(ns == null || !type.namespaced() ? "No resources found"
            : "No resources found in " + ns + " namespace.");
        root.err().flush();
      } else if (!t.rows().isEmpty()) {
        t.print(out, true);
      }
    } else {
      List<JsonNode> items = new ArrayList<>();
      for (JsonNode item : body.path("items")) {
        items.add(withTypeMeta(type, item));
      }
      printObjects(out, type, items, false);
    }
    if (watch) {
      watch(root, type, ns, null, rv, table, t != null && !t.rows().isEmpty());
    }
  }

  private String query() {
    return selector == null ? "" : "?labelSelector=" + ResourceTypes.encode(selector);
  }

  /**
   * Follows a watch from {@code rv}, printing each event's row or object. When the node goes
   * away the watch resumes on the next node from the last revision seen: revisions are the Raft
   * log index, the same on every node.
   */
  private void watch(GlooApi root, ResourceType type, String ns, String name, String rv, boolean table,
      boolean headersPrinted) {
    long deadline = watchTimeout == null ? Long.MAX_VALUE : System.nanoTime() + watchTimeout.toNanos();
    String revision = rv;
    while (System.nanoTime() < deadline) {
      StringBuilder q = new StringBuilder("?watch=true&allowWatchBookmarks=true&resourceVersion=")
          .append(ResourceTypes.encode(revision));
      if (name != null) {
        q.append("&fieldSelector=").append(ResourceTypes.encode("metadata.name=" + name));
      }
      if (selector != null) {
        q.append("&labelSelector=").append(ResourceTypes.encode(selector));
      }
      if (watchTimeout != null) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
        q.append("&timeoutSeconds=").append(left);
      }
      Connection.Stream s = root.connection().stream(ResourceTypes.collectionPath(type, ns) + q,
          table ? TABLE : "application/json");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode ev = JSON.readTree(line);
          String evType = ev.path("type").asText();
          JsonNode obj = ev.path("object");
          if (evType.equals("ERROR")) {
            if (obj.path("code").asInt() == 410) {
              throw new CliException("the watch fell behind the history kept by " + s.node()
                  + " (410 Gone: " + obj.path("message").asText() + "); run the command again");
            }
            throw new CliException("watch error from " + s.node() + ": " + obj.path("message").asText());
          }
          String objRv = table
              ? obj.path("rows").path(0).path("object").path("metadata").path("resourceVersion").asText("")
              : obj.path("metadata").path("resourceVersion").asText("");
          if (evType.equals("BOOKMARK")) {
            revision = obj.path("metadata").path("resourceVersion").asText(revision);
            continue;
          }
          if (!objRv.isEmpty()) {
            revision = objRv;
          }
          print(root.out(), type, ns == null && type.namespaced(), table, obj, evType, !headersPrinted);
          headersPrinted = true;
        }
      } catch (IOException e) {
        root.err().println("watch on " + s.node() + " ended (" + e.getMessage() + "); resuming on the next node");
        root.err().flush();
        continue;
      }
      if (watchTimeout != null && System.nanoTime() >= deadline - 500_000_000L) {
        return;
      }
    }
  }

  private void print(PrintWriter out, ResourceType type, boolean withNamespace, boolean table, JsonNode obj,
      String evType, boolean withHeaders) {
    if (table) {
      Printer.Table t = toTable(obj, withNamespace);
      if (evType.equals("DELETED")) {
        // kubectl prints a deletion as one more row of the object; make it visible.
        int nameColumn = withNamespace ? 1 : 0;
        List<List<String>> rows = new ArrayList<>();
        for (List<String> row : t.rows()) {
          List<String> copy = new ArrayList<>(row);
          copy.set(nameColumn, copy.get(nameColumn) + " (deleted)");
          rows.add(copy);
        }
        t = new Printer.Table(t.headers(), rows);
      }
      t.print(out, withHeaders);
    } else {
      printObjects(out, type, List.of(withTypeMeta(type, obj)), true);
      if (!"name".equals(output)) {
        out.println(output.equals("yaml") ? "---" : "");
      }
      out.flush();
    }
  }

  /** Rows of a server Table; {@code -o wide} keeps the columns of priority above 0. */
  private Printer.Table toTable(JsonNode table, boolean withNamespace) {
    boolean wide = "wide".equals(output);
    if (table.path("columnDefinitions").size() > 0) {
      columns = table.path("columnDefinitions");
    }
    JsonNode cols = columns == null ? JSON.createArrayNode() : columns;
    List<Integer> keep = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    if (withNamespace) {
      headers.add("Namespace");
    }
    for (int i = 0; i < cols.size(); i++) {
      if (wide || cols.get(i).path("priority").asInt(0) == 0) {
        keep.add(i);
        headers.add(cols.get(i).path("name").asText());
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : table.path("rows")) {
      List<String> cells = new ArrayList<>();
      if (withNamespace) {
        cells.add(row.path("object").path("metadata").path("namespace").asText(""));
      }
      JsonNode rc = row.path("cells");
      if (cols.size() == 0) {
        rc.forEach(v -> cells.add(Printer.cell(v)));
      } else {
        keep.forEach(i -> cells.add(Printer.cell(rc.path(i))));
      }
      rows.add(cells);
    }
    return new Printer.Table(headers, rows);
  }

  private void printObjects(PrintWriter out, ResourceType type, List<JsonNode> objects, boolean single) {
    if ("name".equals(output)) {
      for (JsonNode o : objects) {
        out.println(ResourceTypes.qualifiedSingular(type) + "/" + o.path("metadata").path("name").asText());
      }
    } else if (single && objects.size() == 1) {
      out.print(output.equals("yaml") ? Printer.yaml(objects.get(0)) : Printer.json(objects.get(0)));
    } else {
      JsonNode list = Printer.list(objects);
      out.print(output.equals("yaml") ? Printer.yaml(list) : Printer.json(list));
    }
    out.flush();
  }

  /** List items come without apiVersion and kind; kubectl adds them back. */
  static JsonNode withTypeMeta(ResourceType type, JsonNode item) {
    if (item.has("kind") || !item.isObject()) {
      return item;
    }
    com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", type.apiVersion());
    o.put("kind", type.kind());
    item.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
    return o;
  }
}
