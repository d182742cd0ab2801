package dev.gloo.apiserver.objects;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.api.validation.FieldError;
import java.util.List;

/**
 * An API error, carried to the client as a {@code metav1.Status} with the HTTP code, reason
 * and details kube-apiserver would send, so that kubectl prints the familiar message.
 */
public final class ApiException extends RuntimeException {
  private final int code;
  private final String reason;
  private final ObjectNode details;

  public ApiException(int code, String reason, String message, ObjectNode details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** The {@code Status} object. */
  public ObjectNode toStatus() {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure").put("message", getMessage()).put("reason", reason);
    if (details != null) {
      s.set("details", details);
    }
    s.put("code", code);
    return s;
  }

  private static ObjectNode details(ResourceType type, String name) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    if (name != null) {
      d.put("name", name);
    }
    d.put("group", type.group()).put("kind", type.plural());
    return d;
  }

  /** {@code httproutes.gateway.networking.k8s.io}, or {@code namespaces} for core kinds. */
  public static String qualified(ResourceType type) {
    return type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
  }

  public static ApiException notFound(ResourceType type, String name) {
    return new ApiException(404, "NotFound", qualified(type) + " \"" + name + "\" not found",
        details(type, name));
  }

  public static ApiException namespaceNotFound(String namespace) {
    ObjectNode d = JsonNodeFactory.instance.objectNode().put("name", namespace).put("kind", "namespaces");
    return new ApiException(404, "NotFound", "namespaces \"" + namespace + "\" not found", d);
  }

  public static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(409, "AlreadyExists", qualified(type) + " \"" + name + "\" already exists",
        details(type, name));
  }

  public static ApiException conflict(ResourceType type, String name) {
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(type)
        + " \"" + name + "\": the object has been modified; please apply your changes to the latest"
        + " version and try again", details(type, name));
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null);
  }

  public static ApiException invalid(ResourceType type, String name, List<FieldError> errors) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("name", name).put("group", type.group()).put("kind", type.kind());
    var causes = d.putArray("causes");
    StringBuilder msg = new StringBuilder(type.kind() + "." + type.group()).append(" \"").append(name)
        .append("\" is invalid: ");
    if (type.group().isEmpty()) {
      msg = new StringBuilder(type.kind()).append(" \"").append(name).append("\" is invalid: ");
    }
    if (errors.size() > 1) {
      msg.append("[");
    }
    for (int i = 0; i < errors.size(); i++) {
      FieldError e = errors.get(i);
      causes.addObject().put("reason", e.reason().name()).put("message", e.message()).put("field", e.field());
      msg.append(i > 0 ? ", " : "").append(e.field()).append(": ").append(e.message());
    }
    if (errors.size() > 1) {
      msg.append("]");
    }
    return new ApiException(422, "Invalid", msg.toString(), d);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "RequestEntityTooLarge", message, null);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "ServiceUnavailable", message, null);
  }

  public static ApiException expired(String message) {
    return new ApiException(410, "Expired", message, null);
  }
}
