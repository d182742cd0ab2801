package dev.gloo.translator;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label selectors (matchLabels and matchExpressions). */
final class Selectors {
  private Selectors() {}

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (LabelSelectorRequirement r : Backends.list(selector.getMatchExpressions())) {
      String v = l.get(r.getKey());
      List<String> values = Backends.list(r.getValues());
      boolean ok;
      switch (r.getOperator()) {
        case "In":
          ok = v != null && values.contains(v);
          break;
        case "NotIn":
          ok = v == null || !values.contains(v);
          break;
        case "Exists":
          ok = v != null;
          break;
        case "DoesNotExist":
          ok = v == null;
          break;
        default:
          ok = false;
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
