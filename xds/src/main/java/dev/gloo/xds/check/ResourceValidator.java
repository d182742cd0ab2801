package dev.gloo.xds.check;

import com.google.protobuf.Message;
import dev.gloo.xds.EnvoyResources;
import dev.gloo.xds.internal.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks Envoy resources without Envoy: (a) the protoc-gen-validate rules that ship in the
 * Envoy API protos, which Envoy enforces before accepting a resource, on every field and inside
 * {@code Any} extensions of known Envoy types; (b) the references between the resources of one
 * Gateway (RDS names, clusters of routes, EDS assignments, SDS secrets, filter gRPC clusters).
 * An empty list means Envoy would accept the resources as far as these checks can tell.
 * Pure functions; safe to call from any thread.
 */
public final class ResourceValidator {

  /** Memoizes type lookups and compiled patterns only; no result depends on earlier calls. */
  private static final ProtoRules RULES = new ProtoRules(new AnyTypes());

  private ResourceValidator() {}

  /** Both checks over one Gateway's resources. */
  public static List<Violation> validate(EnvoyResources resources) {
    List<Violation> out = new ArrayList<>();
    for (ResourceType type : ResourceType.values()) {
      for (Message resource : type.of(resources)) {
        RULES.check(label(resource), resource, out);
      }
    }
    CrossReferences.check(resources, out);
    return List.copyOf(out);
  }

  /** The validate.rules check of one message (a resource, or any Envoy config message). */
  public static List<Violation> checkRules(Message message) {
    List<Violation> out = new ArrayList<>();
    RULES.check(label(message), message, out);
    return List.copyOf(out);
  }

  /** The cross-reference check alone. */
  public static List<Violation> checkReferences(EnvoyResources resources) {
    List<Violation> out = new ArrayList<>();
    CrossReferences.check(resources, out);
    return List.copyOf(out);
  }

  private static String label(Message message) {
    String type = message.getDescriptorForType().getName();
    try {
      return type + " " + ResourceType.nameOf(message);
    } catch (IllegalArgumentException notAResource) {
      return type;
    }
  }
}
