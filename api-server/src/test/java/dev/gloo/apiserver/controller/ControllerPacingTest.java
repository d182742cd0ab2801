package dev.gloo.apiserver.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControllerPacingTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void aChangeAfterAQuietSpellWaitsOnlyTheCoalescingWindow() {
    long lastEnd = 1_000 * MS;
    long lastDuration = 50 * MS;
    assertEquals(10, Controller.delayMillis(lastEnd + 5_000 * MS, lastEnd, lastDuration));
    assertEquals(10, Controller.delayMillis(5 * MS, 0, 0), "the first change");
  }

  @Test
  void underAStreamOfChangesTheControllerRestsThreeTimesItsLastTranslation() {
    long lastEnd = 1_000 * MS;
    assertEquals(150, Controller.delayMillis(lastEnd, lastEnd, 50 * MS));
    assertEquals(100, Controller.delayMillis(lastEnd + 50 * MS, lastEnd, 50 * MS));
    assertEquals(10, Controller.delayMillis(lastEnd + 145 * MS, lastEnd, 50 * MS), "never below the window");
  }

  @Test
  void theRestIsCappedSoThatASlowTranslationStillFollowsWithinTwoSeconds() {
    long lastEnd = 1_000 * MS;
    assertEquals(2_000, Controller.delayMillis(lastEnd, lastEnd, 5_000 * MS));
  }
}
