package dev.gloo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.chaos.history.Op;
import dev.gloo.chaos.history.Op.Kind;
import dev.gloo.chaos.history.Op.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosRunTest {
  private static Op op(Kind kind, String expected, String value, long from, long to) {
    return new Op(1, "node1", "k", kind, expected, value, Outcome.OK, null, from, to);
  }

  @Test
  void theSelfTestPassesWhenTheCheckerRejectsTheTamperedHistory() {
    List<Op> h = List.of(op(Kind.CREATE, null, "a", 0, 1), op(Kind.CAS, "a", "b", 2, 3), op(Kind.READ, null, "b", 4, 5));
    assertEquals(List.of(), ChaosRun.checkerSelfTest(h, Duration.ofSeconds(5)));
  }

  @Test
  void theSelfTestFailsARunWhoseWorkloadNeverReadAnAcknowledgedWrite() {
    List<Op> h = List.of(op(Kind.CREATE, null, "a", 0, 1), op(Kind.CAS, "a", "b", 2, 3));
    List<String> anomalies = ChaosRun.checkerSelfTest(h, Duration.ofSeconds(5));
    assertTrue(anomalies.get(0).contains("tested nothing"), anomalies.toString());
  }
}
