package dev.gloo.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.chaos.xds.XdsObservation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsCheckerTest {
  private static XdsObservation o(String node, long t, long counter) {
    return new XdsObservation("m1", t, node, "h" + counter, counter);
  }

  @Test
  void acceptsMonotonicConfigAcrossReconnectsAndMeasuresConvergence() {
    XdsChecker.Result r = XdsChecker.check(Map.of("m1", List.of(o("node1", 1, 0), o("node1", 2, 3), o("node2", 5, 3),
        o("node2", 120, 7))), 7, 100, 1000);
    assertEquals(List.of(), r.anomalies());
    assertEquals(20, r.worstConvergenceNanos());
  }

  @Test
  void rejectsAnOlderConfigAfterAReconnect() {
    XdsChecker.Result r = XdsChecker.check(Map.of("m1", List.of(o("node1", 1, 4), o("node2", 2, 3), o("node2", 3, 5))),
        5, 0, 1000);
    assertEquals(1, r.anomalies().size(), r.anomalies().toString());
    assertTrue(r.anomalies().get(0).contains("went back from /v4"), r.anomalies().toString());
  }

  @Test
  void rejectsAMonitorThatNeverConvergesOrConvergesTooLate() {
    assertTrue(XdsChecker.check(Map.of("m1", List.of(o("node1", 1, 4))), 5, 0, 1000).anomalies().get(0)
        .contains("never converged"));
    assertTrue(XdsChecker.check(Map.of("m1", List.of(o("node1", 5000, 5))), 5, 0, 1000).anomalies().get(0)
        .contains("over the bound"));
  }

  @Test
  void rejectsOneContentUnderTwoVersions() {
    XdsChecker.Result r = XdsChecker.check(Map.of("m1", List.of(o("node1", 1, 5)),
        "m2", List.of(new XdsObservation("m2", 1, "node2", "other", 5))), 5, 0, 1000);
    assertTrue(r.anomalies().get(0).contains("different versions"), r.anomalies().toString());
  }
}
