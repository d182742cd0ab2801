package dev.gloo.xds;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What operators see of an {@link XdsServer}: the revision it serves and, per Gateway
 * ("namespace/name"), its streams and the NACKs its Envoys sent.
 *
 * @param publishedRevision the revision of the last {@link XdsServer#update}, -1 before the first
 * @param notCaughtUp streams ended with UNAVAILABLE because this node did not catch up in time
 *     (or could not tell) since it started; a rising count means a lagging or partitioned node
 * @param refused streams ended with INVALID_ARGUMENT (no or a malformed Gateway name, bad input)
 * @param gateways sorted by Gateway; a Gateway appears while streams name it, and for good once it NACKed
 */
public record XdsStats(
    long publishedRevision, long notCaughtUp, long refused, Map<String, GatewayStats> gateways) {

  public XdsStats {
    gateways =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(Objects.requireNonNull(gateways, "gateways")));
  }

  /** The Gateway's stats, or zeros when no stream ever named it. */
  public GatewayStats gateway(String gateway) {
    return gateways.getOrDefault(gateway, GatewayStats.NONE);
  }

  /**
   * @param connectedStreams ADS streams (state-of-the-world and delta) open now
   * @param nacks responses the Gateway's Envoys rejected since this server started
   * @param lastNack the type URL and error detail of the last rejection
   */
  public record GatewayStats(int connectedStreams, long nacks, Optional<Nack> lastNack) {
    public static final GatewayStats NONE = new GatewayStats(0, 0, Optional.empty());
  }

  /**
   * @param typeUrl the resource type whose response was rejected
   * @param version the rejected version (state of the world) or system version (delta)
   * @param errorDetail the client's {@code error_detail} message
   */
  public record Nack(String typeUrl, String version, String errorDetail) {}
}
