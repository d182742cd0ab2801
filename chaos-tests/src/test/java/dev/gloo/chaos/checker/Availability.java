package dev.gloo.chaos.checker;

import dev.gloo.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How available writes were: the longest window in which no write succeeded, and for each
 * leader kill the time until the first acknowledged write invoked after it.
 *
 * @param longestGapNanos the longest window between acknowledged writes (or the run's edges)
 * @param gapFromNanos where that window starts
 * @param recoveries per leader kill, nanoseconds until a write was acknowledged; empty when
 *     none was before the end of the run
 */
public record Availability(long longestGapNanos, long gapFromNanos, List<Optional<Long>> recoveries) {

  /** @param leaderKills when the leader was killed, on the history's clock */
  public static Availability of(List<Op> history, long startNanos, long endNanos, List<Long> leaderKills) {
    List<Long> acks = history.stream()
        .filter(o -> o.kind().writes() && o.outcome() == Op.Outcome.OK)
        .map(Op::completeNanos).sorted().toList();
    long previous = startNanos;
    long longest = 0;
    long from = startNanos;
    for (long t : acks) {
      if (t - previous > longest) {
        longest = t - previous;
        from = previous;
      }
      previous = Math.max(previous, t);
    }
    if (endNanos - previous > longest) {
      longest = endNanos - previous;
      from = previous;
    }
    List<Optional<Long>> recoveries = new ArrayList<>();
    for (long kill : leaderKills) {
      // Only writes invoked after the kill: one in flight may have committed before it.
      recoveries.add(history.stream()
          .filter(o -> o.kind().writes() && o.outcome() == Op.Outcome.OK && o.invokeNanos() > kill)
          .map(Op::completeNanos).min(Long::compare).map(t -> t - kill));
    }
    return new Availability(longest, from, recoveries);
  }

  public Optional<Long> worstRecoveryNanos() {
    return recoveries.stream().map(r -> r.orElse(Long.MAX_VALUE)).max(Long::compare);
  }
}
