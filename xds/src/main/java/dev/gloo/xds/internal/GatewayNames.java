package dev.gloo.xds.internal;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.regex.Pattern;

/**
 * How an Envoy names the Gateway it serves: node metadata {@code gloo.solo.io/gateway} =
 * "namespace/name", or else {@code node.cluster} in the same form. The namespace is a DNS
 * label, the name a DNS subdomain, as in Kubernetes.
 */
public final class GatewayNames {

  public static final String METADATA_KEY = "gloo.solo.io/gateway";

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private GatewayNames() {}

  /** A node that does not name a Gateway correctly; the message tells the operator how to. */
  public static final class InvalidNodeException extends Exception {
    InvalidNodeException(String message) {
      super(message);
    }
  }

  /** The "namespace/name" the node asks for. */
  public static String gatewayOf(Node node) throws InvalidNodeException {
    Value value = node.getMetadata().getFieldsMap().get(METADATA_KEY);
    if (value != null) {
      if (value.getKindCase() != Value.KindCase.STRING_VALUE) {
        throw new InvalidNodeException(
            "node metadata '" + METADATA_KEY + "' must be a string \"<namespace>/<name>\"");
      }
      return parse(value.getStringValue(), "node metadata '" + METADATA_KEY + "'");
    }
    if (node.getCluster().isEmpty()) {
      throw new InvalidNodeException(
          "the node names no Gateway: set node metadata '"
              + METADATA_KEY
              + "' or node.cluster to \"<namespace>/<name>\" of a Gateway");
    }
    return parse(node.getCluster(), "node.cluster");
  }

  static String parse(String value, String where) throws InvalidNodeException {
    int slash = value.indexOf('/');
    if (slash < 0 || value.indexOf('/', slash + 1) >= 0) {
      throw new InvalidNodeException(where + " must be \"<namespace>/<name>\" of a Gateway, got " + quote(value));
    }
    String namespace = value.substring(0, slash);
    String name = value.substring(slash + 1);
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new InvalidNodeException(where + ": namespace is not a DNS label (lowercase letters, digits, '-', at most 63): " + quote(value));
    }
    if (name.length() > 253 || !NAME.matcher(name).matches()) {
      throw new InvalidNodeException(where + ": name is not a DNS subdomain (lowercase letters, digits, '-', '.', at most 253): " + quote(value));
    }
    return value;
  }

  private static String quote(String value) {
    return '"' + Printable.of(value, 80) + '"';
  }
}
