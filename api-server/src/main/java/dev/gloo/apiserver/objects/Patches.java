package dev.gloo.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The patch formats the API accepts, as pure functions over JSON trees. */
public final class Patches {
  private Patches() {}

  /** RFC 7386 JSON merge patch: objects merge, {@code null} removes, anything else replaces. */
  public static JsonNode merge(JsonNode target, JsonNode patch) {
    return mergeObjects(target, patch, false);
  }

  /**
   * A strategic merge patch as kubectl sends it for the core kinds: a merge patch in which
   * {@code $patch: delete} list items remove the item with the same merge key, other items of
   * lists of objects are merged by their merge key ({@code name}, or {@code port} for ports),
   * and {@code $setElementOrder}, {@code $retainKeys} directives are followed or ignored.
   */
  public static JsonNode strategicMerge(JsonNode target, JsonNode patch) {
    return mergeObjects(target, patch, true);
  }

  private static JsonNode mergeObjects(JsonNode target, JsonNode patch, boolean strategic) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (strategic && k.startsWith("$")) {
        continue;
      }
      if (v.isNull()) {
        out.remove(k);
      } else if (strategic && v.isArray() && out.get(k) != null && out.get(k).isArray() && isObjectList(v)) {
        out.set(k, mergeList((ArrayNode) out.get(k), (ArrayNode) v, mergeKey(k)));
      } else {
        out.set(k, mergeObjects(out.get(k), v, strategic));
      }
    }
    return out;
  }

  private static boolean isObjectList(JsonNode list) {
    for (JsonNode n : list) {
      if (!n.isObject()) {
        return false;
      }
    }
    return true;
  }

  private static String mergeKey(String field) {
    return switch (field) {
      case "ports" -> "port";
      case "addresses" -> "ip";
      default -> "name";
    };
  }

  private static ArrayNode mergeList(ArrayNode target, ArrayNode patch, String key) {
    ArrayNode out = target.deepCopy();
    for (JsonNode item : patch) {
      JsonNode k = item.get(key);
      int at = indexOf(out, key, k);
      if ("delete".equals(item.path("$patch").asText())) {
        if (at >= 0) {
          out.remove(at);
        }
      } else if (k != null && at >= 0) {
        out.set(at, strategicMerge(out.get(at), item));
      } else {
        out.add(strategicMerge(null, item));
      }
    }
    return out;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode value) {
    if (value == null) {
      return -1;
    }
    for (int i = 0; i < list.size(); i++) {
      if (value.equals(list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  /** RFC 6902 JSON patch: add, remove, replace, move, copy, test. */
  public static JsonNode jsonPatch(JsonNode target, JsonNode ops) {
    if (!ops.isArray()) {
      throw ApiException.badRequest("a JSON patch must be an array of operations");
    }
    JsonNode doc = target.deepCopy();
    for (int i = 0; i < ops.size(); i++) {
      JsonNode op = ops.get(i);
      String name = op.path("op").asText();
      String path = op.path("path").asText(null);
      if (path == null) {
        throw ApiException.badRequest("JSON patch operation " + i + " has no path");
      }
      switch (name) {
        case "add" -> doc = add(doc, path, required(op, "value", i));
        case "remove" -> doc = remove(doc, path, i);
        case "replace" -> {
          doc = remove(doc, path, i);
          doc = add(doc, path, required(op, "value", i));
        }
        case "move" -> {
          JsonNode v = get(doc, op.path("from").asText(), i);
          doc = remove(doc, op.path("from").asText(), i);
          doc = add(doc, path, v);
        }
        case "copy" -> doc = add(doc, path, get(doc, op.path("from").asText(), i).deepCopy());
        case "test" -> {
          if (!get(doc, path, i).equals(required(op, "value", i))) {
            throw new ApiException(422, "Invalid", "JSON patch test operation " + i + " failed at " + path, null);
          }
        }
        default -> throw ApiException.badRequest("unknown JSON patch operation \"" + name + "\"");
      }
    }
    return doc;
  }

  private static JsonNode required(JsonNode op, String field, int i) {
    if (!op.has(field)) {
      throw ApiException.badRequest("JSON patch operation " + i + " has no " + field);
    }
    return op.get(field).deepCopy();
  }

  private static List<String> tokens(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw ApiException.badRequest("invalid JSON pointer \"" + pointer + "\"");
    }
    List<String> out = new ArrayList<>();
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode get(JsonNode doc, String pointer, int i) {
    JsonNode n = doc;
    for (String t : tokens(pointer)) {
      n = n.isArray() ? n.get(index(t, n.size() - 1, pointer)) : n.get(t);
      if (n == null) {
        throw new ApiException(422, "Invalid", "JSON patch operation " + i + ": path " + pointer + " does not exist", null);
      }
    }
    return n;
  }

  private static JsonNode add(JsonNode doc, String pointer, JsonNode value) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      return value;
    }
    JsonNode parent = get(doc, parentPointer(t), -1);
    String last = t.get(t.size() - 1);
    if (parent.isObject()) {
      ((ObjectNode) parent).set(last, value);
    } else if (parent.isArray()) {
      ArrayNode arr = (ArrayNode) parent;
      if (last.equals("-")) {
        arr.add(value);
      } else {
        arr.insert(index(last, arr.size(), pointer), value);
      }
    } else {
      throw new ApiException(422, "Invalid", "JSON patch: cannot add below a scalar at " + pointer, null);
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, String pointer, int i) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      throw ApiException.badRequest("JSON patch cannot remove the whole object");
    }
    JsonNode parent = get(doc, parentPointer(t), i);
    String last = t.get(t.size() - 1);
    if (parent.isObject() && parent.has(last)) {
      ((ObjectNode) parent).remove(last);
    } else if (parent.isArray()) {
      ((ArrayNode) parent).remove(index(last, parent.size() - 1, pointer));
    } else {
      throw new ApiException(422, "Invalid", "JSON patch operation " + i + ": path " + pointer + " does not exist", null);
    }
    return doc;
  }

  private static String parentPointer(List<String> tokens) {
    List<String> parent = tokens.subList(0, tokens.size() - 1);
    return parent.isEmpty() ? "" : "/" + String.join("/", escape(parent));
  }

  private static List<String> escape(List<String> tokens) {
    return tokens.stream().map(s -> s.replace("~", "~0").replace("/", "~1")).toList();
  }

  private static int index(String token, int max, String pointer) {
    try {
      int n = Integer.parseInt(token);
      if (n < 0 || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiException(422, "Invalid", "JSON patch: bad array index in " + pointer, null);
    }
  }
}
