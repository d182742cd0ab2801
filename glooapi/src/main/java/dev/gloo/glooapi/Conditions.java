package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The conditions of an object, wherever its kind keeps them: Gateways and GatewayClasses in
 * {@code status.conditions} (and a Gateway per listener), routes per parent in {@code status.parents[].conditions}, the
 * Gloo kinds as {@code status.statuses.<namespace>.state} (Accepted or Rejected, with a reason).
 */
public final class Conditions {
  private Conditions() {}

  /**
   * @param scope where the condition applies: "" for the object, {@code parent gateway default/gw}
   *     for a route's parent, {@code controller in ns} for a Gloo status
   */
  public record Condition(String scope, String type, String status, String reason, String message) {
    public boolean isTrue() {
      return "True".equals(status);
    }
  }

  public static List<Condition> of(JsonNode object) {
    JsonNode status = object.path("status");
    List<Condition> out = new ArrayList<>();
    for (JsonNode c : status.path("conditions")) {
      out.add(condition("", c));
    }
    for (JsonNode l : status.path("listeners")) {
      for (JsonNode c : l.path("conditions")) {
        out.add(condition("listener " + l.path("name").asText(), c));
      }
    }
    for (JsonNode p : status.path("parents")) {
      JsonNode ref = p.path("parentRef");
      String ns = ref.path("namespace").asText(object.path("metadata").path("namespace").asText(""));
      String scope = "parent " + ref.path("kind").asText("Gateway").toLowerCase() + " " + (ns.isEmpty() ? "" : ns + "/")
          + ref.path("name").asText() + (ref.hasNonNull("sectionName") ? " (" + ref.get("sectionName").asText() + ")" : "");
      for (JsonNode c : p.path("conditions")) {
        out.add(condition(scope, c));
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = status.path("statuses").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String state = e.getValue().path("state").asText("");
      // The Gloo kinds have one state instead of conditions; it answers --for=condition=Accepted.
      out.add(new Condition("reported in " + e.getKey(), "Accepted", state.equals("Accepted") ? "True"
          : state.isEmpty() ? "Unknown" : "False", state, e.getValue().path("reason").asText("")));
    }
    return out;
  }

  private static Condition condition(String scope, JsonNode c) {
    return new Condition(scope, c.path("type").asText(""), c.path("status").asText(""), c.path("reason").asText(""),
        c.path("message").asText(""));
  }

  /**
   * Whether {@code type} has {@code wanted} status. The object's own conditions decide when it
   * has one of that type (a Gateway's Programmed, not its listeners'); otherwise it must hold
   * everywhere it is reported (on every parent of a route), and be reported at least once.
   */
  public static boolean met(List<Condition> conditions, String type, String wanted) {
    boolean own = conditions.stream().anyMatch(c -> c.scope().isEmpty() && c.type().equalsIgnoreCase(type));
    boolean seen = false;
    for (Condition c : conditions) {
      if (c.type().equalsIgnoreCase(type) && (!own || c.scope().isEmpty())) {
        seen = true;
        if (!c.status().equalsIgnoreCase(wanted)) {
          return false;
        }
      }
    }
    return seen;
  }

  /** What the conditions of {@code type} say now, for a timeout message. */
  public static String explain(List<Condition> conditions, String type) {
    List<String> parts = new ArrayList<>();
    for (Condition c : conditions) {
      if (c.type().equalsIgnoreCase(type)) {
        parts.add((c.scope().isEmpty() ? "" : c.scope() + ": ") + c.type() + "=" + c.status()
            + (c.reason().isEmpty() ? "" : " " + c.reason()) + (c.message().isEmpty() ? "" : " (" + c.message() + ")"));
      }
    }
    return parts.isEmpty() ? "no " + type + " condition reported yet" : String.join("; ", parts);
  }
}
