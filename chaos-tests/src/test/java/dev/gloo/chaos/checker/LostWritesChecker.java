package dev.gloo.chaos.checker;

import dev.gloo.chaos.history.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * No lost writes (invariant 1): after the faults heal, every node reads the same final state,
 * and every acknowledged write is either that state or superseded by another write that could
 * have taken effect after it (one that had not completed before the acknowledged one was
 * invoked). The final state holds only values some client wrote.
 */
public final class LostWritesChecker {
  private LostWritesChecker() {}

  /**
   * @param finalReads per node, the value of every key it holds (absent keys are missing)
   * @return the anomalies found, empty when none
   */
  public static List<String> check(List<Op> history, Map<String, Map<String, String>> finalReads) {
    List<String> anomalies = new ArrayList<>();
    if (finalReads.isEmpty()) {
      anomalies.add("no node could be read after the faults healed");
      return anomalies;
    }
    Map<String, String> reference = finalReads.values().iterator().next();
    String referenceNode = finalReads.keySet().iterator().next();
    finalReads.forEach((node, state) -> {
      if (!state.equals(reference)) {
        anomalies.add("nodes disagree after heal: " + referenceNode + " reads " + reference + ", " + node
            + " reads " + state);
      }
    });
    Set<String> keys = new TreeSet<>(reference.keySet());
    Set<String> written = new HashSet<>();
    for (Op op : history) {
      if (op.kind().writes() && op.outcome() != Op.Outcome.FAIL) {
        keys.add(op.key());
        if (op.value() != null) {
          written.add(op.key() + "\u0000" + op.value());
        }
      }
    }
    for (String key : keys) {
      String last = reference.get(key);
      if (last != null && !written.contains(key + "\u0000" + last)) {
        anomalies.add(key + " holds " + last + ", which no client wrote");
      }
      List<Op> writes = history.stream()
          .filter(o -> o.key().equals(key) && o.kind().writes() && o.outcome() != Op.Outcome.FAIL).toList();
      for (Op w : writes) {
        if (w.outcome() != Op.Outcome.OK || Objects.equals(w.value(), last)) {
          continue;
        }
        boolean superseded = writes.stream().anyMatch(m -> m != w && m.completeNanos() > w.invokeNanos());
        if (!superseded) {
          anomalies.add("lost write: " + w + " was acknowledged and nothing could supersede it, but " + key
              + " reads " + (last == null ? "absent" : last));
        }
      }
    }
    return anomalies;
  }
}
