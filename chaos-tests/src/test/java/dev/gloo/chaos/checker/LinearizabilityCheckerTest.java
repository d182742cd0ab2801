package dev.gloo.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.chaos.history.Op;
import dev.gloo.chaos.history.Op.Kind;
import dev.gloo.chaos.history.Op.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  private final LinearizabilityChecker<Optional<String>> checker =
      new LinearizabilityChecker<>(new RegisterModel(), TimeUnit.SECONDS.toNanos(20));

  private static Op op(int p, Kind kind, String expected, String value, Outcome outcome, long from, long to) {
    return new Op(p, "n1", "k", kind, expected, value, outcome, null, from,
        outcome == Outcome.INFO ? Long.MAX_VALUE : to);
  }

  private LinearizabilityChecker.Verdict verdict(Op... ops) {
    return checker.check(List.of(ops)).verdict();
  }

  @Test
  void acceptsASequentialHistory() {
    assertEquals(LinearizabilityChecker.Verdict.LINEARIZABLE, verdict(
        op(1, Kind.READ, null, null, Outcome.OK, 0, 1),
        op(1, Kind.CREATE, null, "a", Outcome.OK, 2, 3),
        op(2, Kind.CREATE, null, "x", Outcome.FAIL, 4, 5),
        op(2, Kind.CAS, "a", "b", Outcome.OK, 6, 7),
        op(1, Kind.CAS, "a", "c", Outcome.FAIL, 8, 9),
        op(1, Kind.READ, null, "b", Outcome.OK, 10, 11),
        op(2, Kind.DELETE, null, null, Outcome.OK, 12, 13),
        op(2, Kind.DELETE, null, null, Outcome.FAIL, 14, 15),
        op(2, Kind.CREATE, null, "d", Outcome.OK, 14, 15),
        op(2, Kind.DELETE, "b", null, Outcome.FAIL, 14, 15),
        op(2, Kind.DELETE, "d", null, Outcome.OK, 14, 15),
        op(1, Kind.READ, null, null, Outcome.OK, 16, 17)));
  }

  @Test
  void rejectsAStaleReadAfterAnAcknowledgedWrite() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.READ, null, null, Outcome.OK, 2, 3)));
  }

  @Test
  void rejectsANewThenOldReadInversion() {
    // The write is still running, but once one read saw it, a later read must too.
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(1, Kind.CAS, "a", "b", Outcome.OK, 2, 100),
        op(2, Kind.READ, null, "b", Outcome.OK, 3, 4),
        op(3, Kind.READ, null, "a", Outcome.OK, 5, 6)));
  }

  @Test
  void acceptsTheSameReadsWhenTheyOverlap() {
    assertEquals(LinearizabilityChecker.Verdict.LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(1, Kind.CAS, "a", "b", Outcome.OK, 2, 100),
        op(2, Kind.READ, null, "b", Outcome.OK, 3, 6),
        op(3, Kind.READ, null, "a", Outcome.OK, 4, 5)));
  }

  @Test
  void rejectsTwoCompareAndSetsThatBothWonFromTheSameValue() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.CAS, "a", "b", Outcome.OK, 2, 5),
        op(3, Kind.CAS, "a", "c", Outcome.OK, 3, 6)));
  }

  @Test
  void rejectsACreateRefusedWhenTheKeyWasSurelyAbsent() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(1, Kind.DELETE, null, null, Outcome.OK, 2, 3),
        op(2, Kind.CREATE, null, "b", Outcome.FAIL, 4, 5)));
  }

  @Test
  void rejectsARefusedCompareAndSetWhoseValueWasCurrent() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.CAS, "a", "b", Outcome.FAIL, 2, 3)));
  }

  @Test
  void rejectsAnAcknowledgedWriteThatLaterReadsNeverSee() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.CAS, "a", "b", Outcome.OK, 2, 3),
        op(1, Kind.READ, null, "a", Outcome.OK, 10, 11)));
  }

  @Test
  void anIndeterminateWriteMayTakeEffectLongAfterItsInvocation() {
    assertEquals(LinearizabilityChecker.Verdict.LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.CAS, "a", "b", Outcome.INFO, 2, 0),
        op(1, Kind.READ, null, "a", Outcome.OK, 10, 11),
        op(1, Kind.READ, null, "b", Outcome.OK, 20, 21)));
  }

  @Test
  void anIndeterminateWriteMayNeverTakeEffect() {
    assertEquals(LinearizabilityChecker.Verdict.LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.CAS, "a", "b", Outcome.INFO, 2, 0),
        op(1, Kind.READ, null, "a", Outcome.OK, 10, 11)));
  }

  @Test
  void anIndeterminateWriteCannotBeUndone() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(2, Kind.CAS, "a", "b", Outcome.INFO, 2, 0),
        op(1, Kind.READ, null, "b", Outcome.OK, 10, 11),
        op(1, Kind.READ, null, "a", Outcome.OK, 20, 21)));
  }

  @Test
  void anIndeterminateWriteCannotTakeEffectBeforeItsInvocation() {
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, verdict(
        op(1, Kind.CREATE, null, "a", Outcome.OK, 0, 1),
        op(1, Kind.READ, null, "b", Outcome.OK, 2, 3),
        op(2, Kind.CAS, "a", "b", Outcome.INFO, 5, 0)));
  }

  @Test
  void keysAreCheckedIndependentlyAndTheFailingKeyIsNamed() {
    List<Op> ops = new ArrayList<>();
    ops.add(new Op(1, "n1", "good", Kind.CREATE, null, "a", Outcome.OK, null, 0, 1));
    ops.add(new Op(1, "n1", "bad", Kind.CREATE, null, "a", Outcome.OK, null, 0, 1));
    ops.add(new Op(2, "n2", "bad", Kind.READ, null, null, Outcome.OK, null, 2, 3));
    LinearizabilityChecker.Result r = checker.check(ops);
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, r.verdict());
    assertEquals("bad", r.key());
    assertTrue(r.explain().contains("READ bad"), r.explain());
  }

  @Test
  void acceptsALargeConcurrentValidHistoryWithinSeconds() {
    List<Op> ops = simulate(new Random(42), 10, 6000, 4, -1);
    long start = System.nanoTime();
    LinearizabilityChecker.Result r = checker.check(ops);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(r.valid(), r.explain());
    assertTrue(ms < 10_000, "took " + ms + " ms");
  }

  @Test
  void rejectsALargeHistoryWithOneStaleRead() {
    List<Op> ops = simulate(new Random(7), 10, 6000, 4, 3000);
    LinearizabilityChecker.Result r = checker.check(ops);
    assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, r.verdict(), r.explain());
  }

  /**
   * A history of {@code processes} clients on an atomic register per key: each operation takes
   * effect at a random instant between its invocation and completion. About 2% of operations
   * end indeterminate (their effect, if any, stays). When {@code staleAt} is not negative, the
   * read nearest that index returns the value from before the previous write instead.
   */
  static List<Op> simulate(Random rnd, int processes, int count, int keys, int staleAt) {
    record Planned(int process, String key, Kind kind, long invoke, long point, long complete, int seq) {}
    List<Planned> plan = new ArrayList<>();
    long[] clock = new long[processes];
    for (int i = 0; i < count; i++) {
      int p = rnd.nextInt(processes);
      long invoke = clock[p] + rnd.nextInt(50);
      long duration = 1 + rnd.nextInt(200);
      long point = invoke + (long) (rnd.nextDouble() * duration);
      Kind kind = Kind.values()[rnd.nextInt(Kind.values().length)];
      plan.add(new Planned(p, "k" + rnd.nextInt(keys), kind, invoke, point, invoke + duration, i));
      clock[p] = invoke + duration + 1;
    }
    plan.sort(Comparator.comparingLong(Planned::point));
    Map<String, String> register = new HashMap<>();
    Map<String, String> previous = new HashMap<>();
    // When the current value was written, and whether both it and the one before were acknowledged:
    // only then is returning the previous value surely stale.
    Map<String, Long> currentWrittenAt = new HashMap<>();
    Map<String, Boolean> lastTwoAcknowledged = new HashMap<>();
    List<Op> ops = new ArrayList<>();
    int reads = 0;
    boolean injected = false;
    for (Planned x : plan) {
      String current = register.get(x.key());
      String value = "v" + x.seq();
      boolean info = x.kind() != Kind.READ && rnd.nextInt(50) == 0;
      Outcome outcome = Outcome.OK;
      String expected = null;
      boolean wrote = false;
      switch (x.kind()) {
        case READ:
          value = current;
          if (staleAt >= 0 && !injected && reads++ >= staleAt / 4
              && Boolean.TRUE.equals(lastTwoAcknowledged.get(x.key()))
              && currentWrittenAt.get(x.key()) < x.invoke() && previous.get(x.key()) != null) {
            value = previous.get(x.key());
            injected = true;
          }
          break;
        case CREATE:
          wrote = current == null;
          break;
        case CAS:
          // Clients mostly expect the current value (they read it first), sometimes an old one.
          expected = rnd.nextInt(4) == 0 ? previous.get(x.key()) : current;
          if (expected == null) {
            expected = "none";
          }
          wrote = expected.equals(current);
          break;
        case DELETE:
          // Conditional, as the workload does: an unconditional indeterminate delete may apply
          // whenever the key exists, which multiplies the search by every pending one.
          value = null;
          expected = rnd.nextInt(4) == 0 ? previous.get(x.key()) : current;
          if (expected == null) {
            expected = "none";
          }
          wrote = expected.equals(current);
          break;
        default:
          throw new IllegalStateException();
      }
      if (x.kind() != Kind.READ) {
        if (wrote) {
          boolean acknowledgedBefore = !Boolean.FALSE.equals(lastTwoAcknowledged.get(x.key() + "/last"));
          previous.put(x.key(), current);
          if (value == null) {
            register.remove(x.key());
          } else {
            register.put(x.key(), value);
          }
          currentWrittenAt.put(x.key(), x.complete());
          lastTwoAcknowledged.put(x.key(), acknowledgedBefore && !info && current != null);
          lastTwoAcknowledged.put(x.key() + "/last", !info);
        } else {
          outcome = Outcome.FAIL;
        }
      }
      if (info) {
        outcome = Outcome.INFO;
      }
      ops.add(new Op(x.process(), "n1", x.key(), x.kind(), expected, value, outcome, null, x.invoke(),
          outcome == Outcome.INFO ? Long.MAX_VALUE : x.complete()));
    }
    if (staleAt >= 0 && !injected) {
      throw new IllegalStateException("no stale read injected");
    }
    ops.sort(Comparator.comparingLong(Op::invokeNanos));
    return ops;
  }
}
