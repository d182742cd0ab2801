package dev.gloo.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.chaos.history.Op;
import dev.gloo.chaos.history.Op.Kind;
import dev.gloo.chaos.history.Op.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostWritesCheckerTest {
  private static Op write(Kind kind, String value, Outcome outcome, long from, long to) {
    return new Op(1, "node1", "k", kind, null, value, outcome, null, from, outcome == Outcome.INFO ? Long.MAX_VALUE : to);
  }

  @Test
  void acceptsTheLastAcknowledgedWriteEverywhere() {
    List<Op> h = List.of(write(Kind.CREATE, "a", Outcome.OK, 0, 1), write(Kind.CAS, "b", Outcome.OK, 2, 3));
    assertEquals(List.of(), LostWritesChecker.check(h, Map.of("node1", Map.of("k", "b"), "node2", Map.of("k", "b"))));
  }

  @Test
  void acceptsAWriteSupersededByAnIndeterminateOne() {
    List<Op> h = List.of(write(Kind.CREATE, "a", Outcome.OK, 0, 1), write(Kind.CAS, "b", Outcome.INFO, 2, 0));
    assertEquals(List.of(), LostWritesChecker.check(h, Map.of("node1", Map.of("k", "b"))));
  }

  @Test
  void rejectsAnAcknowledgedWriteThatNoLaterWriteCouldReplace() {
    List<Op> h = List.of(write(Kind.CREATE, "a", Outcome.OK, 0, 1), write(Kind.CAS, "b", Outcome.OK, 2, 3));
    List<String> anomalies = LostWritesChecker.check(h, Map.of("node1", Map.of("k", "a")));
    assertEquals(1, anomalies.size(), anomalies.toString());
    assertTrue(anomalies.get(0).startsWith("lost write"), anomalies.toString());
  }

  @Test
  void rejectsAnAcknowledgedCreateThatIsGone() {
    List<Op> h = List.of(write(Kind.CREATE, "a", Outcome.OK, 0, 1));
    assertTrue(LostWritesChecker.check(h, Map.of("node1", Map.of())).get(0).startsWith("lost write"));
  }

  @Test
  void rejectsNodesThatDisagree() {
    List<Op> h = List.of(write(Kind.CREATE, "a", Outcome.OK, 0, 1), write(Kind.CAS, "b", Outcome.INFO, 2, 0));
    List<String> anomalies = LostWritesChecker.check(h,
        new java.util.TreeMap<>(Map.of("node1", Map.of("k", "a"), "node2", Map.of("k", "b"))));
    assertTrue(anomalies.stream().anyMatch(a -> a.startsWith("nodes disagree")), anomalies.toString());
  }

  @Test
  void rejectsAValueNoClientWrote() {
    List<Op> h = List.of(write(Kind.CREATE, "a", Outcome.OK, 0, 1), write(Kind.CAS, "b", Outcome.FAIL, 2, 3));
    List<String> anomalies = LostWritesChecker.check(h, Map.of("node1", Map.of("k", "b")));
    assertTrue(anomalies.stream().anyMatch(a -> a.contains("which no client wrote")), anomalies.toString());
  }
}
