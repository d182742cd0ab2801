package dev.gloo.xds.internal;

import java.util.Map;

/**
 * What a node serves: the snapshots of every Gateway at one store revision.
 *
 * @param revision -1 until the first publication
 */
public record PublishedState(long revision, Map<String, GatewaySnapshot> gateways) {

  public static final PublishedState INITIAL = new PublishedState(-1, Map.of());

  public PublishedState {
    gateways = Map.copyOf(gateways);
  }

  /** A Gateway that does not exist (yet) has empty resources. */
  public GatewaySnapshot gateway(String name) {
    return gateways.getOrDefault(name, GatewaySnapshot.EMPTY);
  }
}
