package dev.gloo.xds.check;

/**
 * One problem Envoy would reject (or a reference it could not resolve).
 *
 * @param resource which resource, e.g. "Listener http" or "RouteConfiguration default/gw-http"
 * @param field the field path inside it, e.g. "filter_chains[0].filters[0].typed_config.stat_prefix";
 *     empty for the resource as a whole
 * @param message what is wrong, in the words of the rule
 */
public record Violation(String resource, String field, String message) {
  @Override
  public String toString() {
    return resource + (field.isEmpty() ? "" : " " + field) + ": " + message;
  }
}
