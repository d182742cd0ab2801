package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The three-way JSON merge patch (RFC 7386) of client-side apply, as kubectl computes it for
 * custom kinds: set what the manifest says differently from the live object, and remove (null)
 * what the previous manifest had and this one dropped. Fields only the server or other writers
 * set (defaults, status, other annotations) are left alone. Lists are replaced whole.
 */
public final class MergePatch {
  private MergePatch() {}

  /**
   * @param original the last applied manifest, or {@code null} when the object has none
   * @param modified the manifest being applied
   * @param current the live object
   * @return the patch; empty when applying changes nothing
   */
  public static ObjectNode threeWay(JsonNode original, JsonNode modified, JsonNode current) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = modified.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode mv = e.getValue();
      JsonNode cv = current == null ? null : current.get(k);
      if (mv.isObject() && cv != null && cv.isObject()) {
        ObjectNode sub = threeWay(original == null ? null : original.get(k), mv, cv);
        if (!sub.isEmpty()) {
          patch.set(k, sub);
        }
      } else if (mv.isNull()) {
        // "field: null" in a manifest means "absent": only remove what is there.
        if (cv != null && !cv.isNull()) {
          patch.putNull(k);
        }
      } else if (cv == null || !numbersEqual(mv, cv) && !mv.equals(cv)) {
        patch.set(k, mv);
      }
    }
    if (original != null && original.isObject()) {
      Iterator<String> names = original.fieldNames();
      while (names.hasNext()) {
        String k = names.next();
        if (!modified.has(k) && current != null && current.has(k)) {
          patch.putNull(k);
        }
      }
    }
    return patch;
  }

  /** 8080 in YAML and 8080.0 from a server are the same value. */
  private static boolean numbersEqual(JsonNode a, JsonNode b) {
    return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
  }
}
