package dev.gloo.chaos.checker;

import dev.gloo.chaos.xds.XdsObservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The xDS guarantees as Envoy sees them: no monitor ever receives a config older than one it
 * already had (invariant 5: the write counter carried by the route never decreases, across
 * reconnects to other nodes too); identical content carries the identical version whichever
 * node sent it (invariant 4); and every monitor converges to the final config after the last
 * fault heals, within a bound.
 */
public final class XdsChecker {
  private XdsChecker() {}

  /**
   * @param convergenceNanos per monitor, time from the heal until it first held the final
   *     config (0 if it already did); missing when it never did
   */
  public record Result(List<String> anomalies, Map<String, Long> convergenceNanos) {
    public long worstConvergenceNanos() {
      return convergenceNanos.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  public static Result check(Map<String, List<XdsObservation>> byMonitor, long finalCounter, long healNanos,
      long boundNanos) {
    List<String> anomalies = new ArrayList<>();
    Map<String, Long> convergence = new LinkedHashMap<>();
    Map<Long, Set<String>> versionsByCounter = new HashMap<>();
    byMonitor.forEach((monitor, observations) -> {
      XdsObservation previous = null;
      Long reached = null;
      for (XdsObservation o : observations) {
        versionsByCounter.computeIfAbsent(o.counter(), c -> new TreeSet<>()).add(o.version());
        if (previous != null && o.counter() < previous.counter()) {
          anomalies.add(monitor + " went back from /v" + previous.counter() + " (from " + previous.node() + ") to /v"
              + o.counter() + " (from " + o.node() + ") at " + String.format("%.3f s", o.timeNanos() / 1e9));
        }
        if (o.counter() == finalCounter && reached == null) {
          reached = Math.max(0, o.timeNanos() - healNanos);
        } else if (o.counter() != finalCounter) {
          reached = null; // left it again (already reported if it went back)
        }
        previous = o;
      }
      if (reached == null) {
        anomalies.add(monitor + " never converged to /v" + finalCounter + "; last had "
            + (previous == null ? "nothing" : "/v" + previous.counter()));
      } else {
        convergence.put(monitor, reached);
        if (reached > boundNanos) {
          anomalies.add(monitor + " converged " + reached / 1_000_000 + " ms after the heal, over the bound of "
              + boundNanos / 1_000_000 + " ms");
        }
      }
    });
    versionsByCounter.forEach((counter, versions) -> {
      if (versions.size() > 1) {
        anomalies.add("the same route content (/v" + counter + ") came with different versions " + versions);
      }
    });
    return new Result(anomalies, convergence);
  }
}
