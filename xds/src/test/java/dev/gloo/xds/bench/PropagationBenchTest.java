package dev.gloo.xds.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A short run of the benchmark: every client receives every round (latency is not asserted). */
class PropagationBenchTest {

  @Test
  void everyClientReceivesEveryRound() throws Exception {
    PropagationBench.Result result = PropagationBench.run(new PropagationBench.Config(24, 3, 4, 10, 2, 5));
    assertEquals(0, result.missed());
    assertEquals(24 * 10, result.all().getTotalCount());
  }
}
