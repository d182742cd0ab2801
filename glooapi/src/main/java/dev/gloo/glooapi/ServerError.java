package dev.gloo.glooapi;

import java.net.URI;

/**
 * A node answered with an error {@code Status}. Printed like kubectl prints it, plus the node:
 * {@code Error from server (NotFound) at https://host:port: gateways... "x" not found}.
 *
 * @param code the HTTP status
 * @param reason the Status {@code reason} (NotFound, Invalid, Conflict...), or the HTTP code
 *     when the body was not a Status
 */
public final class ServerError extends CliException {
  private final int code;
  private final String reason;

  public ServerError(URI node, int code, String reason, String message) {
    super("Error from server (" + reason + ") at " + node + ": " + message);
    this.code = code;
    this.reason = reason;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
