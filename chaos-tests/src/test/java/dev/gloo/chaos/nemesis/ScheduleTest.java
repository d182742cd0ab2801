package dev.gloo.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final List<Fault> KINDS = List.of(Fault.KILL_LEADER, Fault.PAUSE_FOLLOWER, Fault.ISOLATE_LEADER);

  @Test
  void theSeedFixesThePlan() {
    assertEquals(Schedule.of(7, KINDS, 9, 1000, 5000, 100, 200), Schedule.of(7, KINDS, 9, 1000, 5000, 100, 200));
    assertNotEquals(Schedule.of(7, KINDS, 9, 1000, 5000, 100, 200), Schedule.of(8, KINDS, 9, 1000, 5000, 100, 200));
  }

  @Test
  void everyRoundDealsEachFaultOnceWithinTheBounds() {
    Schedule s = Schedule.of(42, KINDS, 6, 1000, 5000, 100, 200);
    assertEquals(EnumSet.copyOf(KINDS), EnumSet.copyOf(s.steps().subList(0, 3).stream().map(Schedule.Step::fault).toList()));
    assertEquals(EnumSet.copyOf(KINDS), EnumSet.copyOf(s.steps().subList(3, 6).stream().map(Schedule.Step::fault).toList()));
    for (Schedule.Step step : s.steps()) {
      assertTrue(step.durationMillis() >= 1000 && step.durationMillis() <= 5000, step.toString());
      assertTrue(step.quietAfterMillis() >= 100 && step.quietAfterMillis() <= 200, step.toString());
    }
    assertTrue(s.toString().contains("seed 42"));
  }
}
