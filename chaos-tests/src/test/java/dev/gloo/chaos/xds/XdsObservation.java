package dev.gloo.chaos.xds;

/**
 * One RouteConfiguration response an xDS monitor received.
 *
 * @param counter the write counter carried in the route's path prefix ({@code /v<N>}); 0 before
 *     the route exists
 */
public record XdsObservation(String monitor, long timeNanos, String node, String version, long counter) {}
