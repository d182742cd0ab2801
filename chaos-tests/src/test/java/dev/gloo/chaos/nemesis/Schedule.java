package dev.gloo.chaos.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The nemesis plan, fixed by the seed before the run starts and printed: the faults in order,
 * each with how long it lasts, the quiet time after it, and a random number the nemesis uses
 * to pick nodes. The kinds are dealt in shuffled rounds, so a short run still gets each one.
 */
public record Schedule(long seed, List<Step> steps) {

  public record Step(Fault fault, long durationMillis, long quietAfterMillis, int pick) {
    @Override
    public String toString() {
      return fault + " for " + durationMillis + " ms (pick " + pick + "), then " + quietAfterMillis + " ms quiet";
    }
  }

  public static Schedule of(long seed, List<Fault> kinds, int steps, long minFaultMillis, long maxFaultMillis,
      long minQuietMillis, long maxQuietMillis) {
    Random rnd = new Random(seed);
    List<Step> out = new ArrayList<>();
    List<Fault> round = new ArrayList<>();
    while (out.size() < steps) {
      if (round.isEmpty()) {
        round.addAll(kinds);
        Collections.shuffle(round, rnd);
      }
      out.add(new Step(round.remove(0), between(rnd, minFaultMillis, maxFaultMillis),
          between(rnd, minQuietMillis, maxQuietMillis), rnd.nextInt(Integer.MAX_VALUE)));
    }
    return new Schedule(seed, List.copyOf(out));
  }

  private static long between(Random rnd, long min, long max) {
    return min + (max > min ? (long) (rnd.nextDouble() * (max - min)) : 0);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("nemesis schedule (seed " + seed + "):\n");
    for (int i = 0; i < steps.size(); i++) {
      b.append(String.format("  %2d. %s%n", i + 1, steps.get(i)));
    }
    return b.toString();
  }
}
