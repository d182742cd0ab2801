package dev.gloo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gloo.chaos.nemesis.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style runs. The short one runs with every build (3 nodes, about a minute of
 * faults: kill, pause, partitions, leader transfer); the long ones, which add membership
 * changes, only with {@code -Pchaos}. The seed is random
 * unless {@code -Dchaos.seed=N} is given, and is printed so any run can be replayed.
 */
class ChaosTest {
  private static final Path OUT = Path.of("target", "chaos");

  private static long seed() {
    return Long.getLong("chaos.seed", System.currentTimeMillis());
  }

  /** {@code -Dchaos.faults=KILL_LEADER,PAUSE_LEADER} narrows a run to those faults. */
  private static List<Fault> faults(List<Fault> defaults) {
    String only = System.getProperty("chaos.faults", "");
    return only.isBlank() ? defaults : Arrays.stream(only.split(",")).map(String::trim).map(Fault::valueOf).toList();
  }

  private static void assertNoAnomaly(ChaosRun.Report r) {
    assertEquals(List.of(), r.anomalies(), "anomalies found; evidence under " + r.evidence() + "\n" + r.summary());
  }

  @Test
  void threeNodesUnderKillPauseAndPartitions() throws Exception {
    Files.createDirectories(OUT);
    assertNoAnomaly(ChaosRun.run(new ChaosRun.Config("short-3", 3, 10, 5,
        faults(List.of(Fault.KILL_LEADER, Fault.PAUSE_LEADER, Fault.ISOLATE_LEADER, Fault.PARTITION_MAJORITY_MINORITY,
            Fault.CLIENT_PARTITION, Fault.LEADER_TRANSFER)),
        6, Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(4),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), seed(), OUT)));
  }

  @Test
  @Tag("chaos")
  void fiveNodesUnderEveryFault() throws Exception {
    Files.createDirectories(OUT);
    assertNoAnomaly(ChaosRun.run(new ChaosRun.Config("long-5", 5, 10, 8, faults(List.of(Fault.values())),
        Integer.getInteger("chaos.steps", 24), Duration.ofSeconds(4), Duration.ofSeconds(12), Duration.ofSeconds(2),
        Duration.ofSeconds(6), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), seed(), OUT)));
  }

  @Test
  @Tag("chaos")
  void threeNodesLongUnderEveryFault() throws Exception {
    Files.createDirectories(OUT);
    assertNoAnomaly(ChaosRun.run(new ChaosRun.Config("long-3", 3, 10, 5, faults(List.of(Fault.values())),
        Integer.getInteger("chaos.steps", 24), Duration.ofSeconds(4), Duration.ofSeconds(12), Duration.ofSeconds(2),
        Duration.ofSeconds(6), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), seed(), OUT)));
  }
}
