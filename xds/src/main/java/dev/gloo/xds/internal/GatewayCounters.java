package dev.gloo.xds.internal;

import dev.gloo.xds.XdsStats;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Per-Gateway stream and NACK counters behind {@link XdsStats}. */
public final class GatewayCounters {

  private static final class Counters {
    final AtomicInteger streams = new AtomicInteger();
    final AtomicLong nacks = new AtomicLong();
    final AtomicReference<XdsStats.Nack> lastNack = new AtomicReference<>();
  }

  private final Map<String, Counters> byGateway = new ConcurrentHashMap<>();
  private final AtomicLong notCaughtUp = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public void notCaughtUp() {
    notCaughtUp.incrementAndGet();
  }

  public void refused() {
    refused.incrementAndGet();
  }

  // Counters change inside compute(), so a removal in streamClosed cannot race an increment.

  public void streamOpened(String gateway) {
    byGateway.compute(gateway, (g, c) -> {
      Counters counters = c == null ? new Counters() : c;
      counters.streams.incrementAndGet();
      return counters;
    });
  }

  /** Forgets a Gateway with no streams and no NACKs, so clients naming many Gateways leave nothing behind. */
  public void streamClosed(String gateway) {
    byGateway.computeIfPresent(
        gateway,
        (g, c) -> c.streams.decrementAndGet() == 0 && c.nacks.get() == 0 ? null : c);
  }

  public void nack(String gateway, XdsStats.Nack nack) {
    byGateway.compute(gateway, (g, c) -> {
      Counters counters = c == null ? new Counters() : c;
      counters.nacks.incrementAndGet();
      counters.lastNack.set(nack);
      return counters;
    });
  }

  public XdsStats snapshot(long revision) {
    Map<String, XdsStats.GatewayStats> out = new TreeMap<>();
    byGateway.forEach(
        (gateway, c) ->
            out.put(
                gateway,
                new XdsStats.GatewayStats(
                    c.streams.get(), c.nacks.get(), Optional.ofNullable(c.lastNack.get()))));
    return new XdsStats(revision, notCaughtUp.get(), refused.get(), out);
  }
}
