package dev.gloo.chaos.checker;

import dev.gloo.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How available writes were: the longest window in which no write succeeded, and for each
 * fault that took the leader away (kill, pause, isolation, transfer) the time until the first
 * acknowledged write invoked after it: the failover time a client sees.
 *
 * @param longestGapNanos the longest window between acknowledged writes (or the run's edges)
 * @param gapFromNanos where that window starts
 * @param recoveries per leader fault, in the order they happened
 */
public record Availability(long longestGapNanos, long gapFromNanos, List<Recovery> recoveries) {

  /** A fault that took the leader away, at {@code nanos} on the history's clock. */
  public record LeaderFault(String what, long nanos) {}

  /** @param nanos until a write invoked after the fault was acknowledged; empty if none was */
  public record Recovery(LeaderFault fault, Optional<Long> nanos) {
    @Override
    public String toString() {
      return fault.what() + " " + nanos.map(n -> String.format("%.2f s", n / 1e9)).orElse("never");
    }
  }

  public static Availability of(List<Op> history, long startNanos, long endNanos, List<LeaderFault> leaderFaults) {
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
    List<Recovery> recoveries = new ArrayList<>();
    for (LeaderFault fault : leaderFaults) {
      // Only writes invoked after the fault: one in flight may have committed before it.
      recoveries.add(new Recovery(fault, history.stream()
          .filter(o -> o.kind().writes() && o.outcome() == Op.Outcome.OK && o.invokeNanos() > fault.nanos())
          .map(Op::completeNanos).min(Long::compare).map(t -> t - fault.nanos())));
    }
    return new Availability(longest, from, List.copyOf(recoveries));
  }

  public Optional<Long> worstRecoveryNanos() {
    return recoveries.stream().map(r -> r.nanos().orElse(Long.MAX_VALUE)).max(Long::compare);
  }
}
