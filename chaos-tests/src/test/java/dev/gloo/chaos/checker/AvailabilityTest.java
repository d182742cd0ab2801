package dev.gloo.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gloo.chaos.checker.Availability.LeaderFault;
import dev.gloo.chaos.history.Op;
import dev.gloo.chaos.history.Op.Kind;
import dev.gloo.chaos.history.Op.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AvailabilityTest {
  private static Op op(Kind kind, Outcome outcome, long to) {
    return new Op(1, "node1", "k", kind, null, "v", outcome, null, to - 1, to);
  }

  @Test
  void findsTheLongestWindowWithoutAnAcknowledgedWriteAndTheRecoveryAfterEachLeaderFault() {
    List<Op> h = List.of(op(Kind.CREATE, Outcome.OK, 10), op(Kind.READ, Outcome.OK, 30),
        op(Kind.CAS, Outcome.FAIL, 40), op(Kind.CAS, Outcome.OK, 70), op(Kind.DELETE, Outcome.OK, 80));
    LeaderFault kill = new LeaderFault("kill node1", 15);
    LeaderFault pause = new LeaderFault("pause node2", 90);
    Availability a = Availability.of(h, 0, 100, List.of(kill, pause));
    // The write acknowledged at 10 was in flight (invoked at 9) when the leader died at 9: not a recovery.
    assertEquals(List.of(Optional.of(61L)), Availability.of(h, 0, 100, List.of(new LeaderFault("kill node1", 9)))
        .recoveries().stream().map(Availability.Recovery::nanos).toList());
    assertEquals(60, a.longestGapNanos()); // reads and refused writes do not count
    assertEquals(10, a.gapFromNanos());
    assertEquals(List.of(new Availability.Recovery(kill, Optional.of(55L)),
        new Availability.Recovery(pause, Optional.empty())), a.recoveries());
    assertEquals("pause node2 never", a.recoveries().get(1).toString());
    assertEquals(Optional.of(Long.MAX_VALUE), a.worstRecoveryNanos());
  }
}
