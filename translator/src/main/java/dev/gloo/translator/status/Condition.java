package dev.gloo.translator.status;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Gateway API condition as the translator decides it. {@code lastTransitionTime} is added by
 * the status writer, which has a clock.
 */
public record Condition(String type, boolean status, String reason, String message, long observedGeneration) {

  public static Condition ok(String type, String reason, String message, long generation) {
    return new Condition(type, true, reason, message, generation);
  }

  public static Condition failed(String type, String reason, String message, long generation) {
    return new Condition(type, false, reason, message, generation);
  }

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("type", type);
    n.put("status", status ? "True" : "False");
    n.put("reason", reason);
    n.put("message", message);
    n.put("observedGeneration", observedGeneration);
    return n;
  }
}
