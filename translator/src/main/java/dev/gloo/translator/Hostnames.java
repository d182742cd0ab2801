package dev.gloo.translator;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Hostname matching between a Gateway listener and a route, as the Gateway API defines it. */
final class Hostnames {
  private Hostnames() {}

  /**
   * The hostnames a route serves on a listener: the intersection of the listener's hostname
   * (null means any) and the route's hostnames (empty means any); {@code "*"} when both are
   * open. Empty when they do not intersect.
   */
  static List<String> intersect(String listener, List<String> route) {
    if (route.isEmpty()) {
      return List.of(listener == null || listener.isEmpty() ? "*" : listener);
    }
    if (listener == null || listener.isEmpty()) {
      return List.copyOf(new TreeSet<>(route));
    }
    TreeSet<String> out = new TreeSet<>();
    for (String r : route) {
      if (r.equals(listener) || covers(listener, r)) {
        out.add(r);
      } else if (covers(r, listener)) {
        out.add(listener);
      }
    }
    return new ArrayList<>(out);
  }

  /** Whether wildcard {@code pattern} ("*.example.com") matches the more specific {@code host}. */
  static boolean covers(String pattern, String host) {
    return pattern.startsWith("*.") && host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
  }
}
