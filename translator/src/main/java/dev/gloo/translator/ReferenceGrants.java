package dev.gloo.translator;

import dev.gloo.translator.model.Snapshot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import java.util.Objects;

/** Answers whether a reference across namespaces is allowed by a ReferenceGrant. */
final class ReferenceGrants {
  private final Snapshot snapshot;

  ReferenceGrants(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  /**
   * Whether an object of {@code fromGroup/fromKind} in {@code fromNamespace} may refer to
   * {@code toGroup/toKind toName} in {@code toNamespace}. References within a namespace need no
   * grant; across namespaces a ReferenceGrant in the target namespace must allow it.
   */
  boolean permits(String fromGroup, String fromKind, String fromNamespace,
      String toGroup, String toKind, String toNamespace, String toName) {
    if (fromNamespace.equals(toNamespace)) {
      return true;
    }
    for (ReferenceGrant grant : snapshot.referenceGrants.values()) {
      if (!toNamespace.equals(grant.getMetadata().getNamespace()) || grant.getSpec() == null) {
        continue;
      }
      boolean fromOk = false;
      for (ReferenceGrantFrom from : grant.getSpec().getFrom()) {
        fromOk |= Objects.equals(nullToEmpty(from.getGroup()), fromGroup)
            && Objects.equals(from.getKind(), fromKind)
            && Objects.equals(from.getNamespace(), fromNamespace);
      }
      if (!fromOk) {
        continue;
      }
      for (ReferenceGrantTo to : grant.getSpec().getTo()) {
        if (Objects.equals(nullToEmpty(to.getGroup()), toGroup) && Objects.equals(to.getKind(), toKind)
            && (to.getName() == null || to.getName().isEmpty() || to.getName().equals(toName))) {
          return true;
        }
      }
    }
    return false;
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
