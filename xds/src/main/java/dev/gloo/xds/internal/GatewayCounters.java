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

  private Counters of(String gateway) {
    return byGateway.computeIfAbsent(gateway, g -> new Counters());
  }

  public void streamOpened(String gateway) {
    of(gateway).streams.incrementAndGet();
  }

  public void streamClosed(String gateway) {
    of(gateway).streams.decrementAndGet();
  }

  public void nack(String gateway, XdsStats.Nack nack) {
    Counters counters = of(gateway);
    counters.nacks.incrementAndGet();
    counters.lastNack.set(nack);
  }

  public XdsStats snapshot(long revision) {
    Map<String, XdsStats.GatewayStats> out = new TreeMap<>();
    byGateway.forEach(
        (gateway, c) ->
            out.put(
                gateway,
                new XdsStats.GatewayStats(
                    c.streams.get(), c.nacks.get(), Optional.ofNullable(c.lastNack.get()))));
    return new XdsStats(revision, out);
  }
}
