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
      } else if (cv == null || !numbersEqual(mv, cv) && !mv.equals(cv)
          && !(mv.isArray() && original != null && mv.equals(original.get(k)) && extends_(cv, mv))) {
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

  /**
   * Whether {@code live} is {@code applied} plus fields the server added (schema defaults such
   * as a parentRef's group and kind). A list the manifest did not change since the last apply
   * and that only gained such fields is left alone; otherwise every apply of an HTTPRoute would
   * rewrite its parentRefs and report "configured".
   */
  static boolean extends_(JsonNode live, JsonNode applied) {
    if (applied.isObject()) {
      if (!live.isObject()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = applied.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!live.has(e.getKey()) || !extends_(live.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (applied.isArray()) {
      if (!live.isArray() || live.size() != applied.size()) {
        return false;
      }
      for (int i = 0; i < applied.size(); i++) {
        if (!extends_(live.get(i), applied.get(i))) {
          return false;
        }
      }
      return true;
    }
    return applied.equals(live) || numbersEqual(applied, live);
  }

  /** 8080 in YAML and 8080.0 from a server are the same value. */
  private static boolean numbersEqual(JsonNode a, JsonNode b) {
    return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
  }
}
