package dev.gloo.api.client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the control nodes are and how to authenticate to them: what a data-path service needs
 * to read its configuration from any node.
 *
 * @param servers the nodes' API base URLs ({@code https://host:port}), tried in this order
 * @param token the bearer token, or {@code null} to send none
 * @param caFile PEM file of the CA certificates the nodes' API certificates are checked
 *     against (several certificates allowed: nodes may have CAs of their own), or {@code null}
 *     for the JDK's default trust store
 */
public record ControlEndpoints(List<URI> servers, String token, Path caFile) {
  public static final String SERVERS = "CONTROL_SERVERS";
  public static final String TOKEN_FILE = "CONTROL_TOKEN_FILE";
  public static final String CA_FILE = "CONTROL_CA_FILE";

  public ControlEndpoints {
    if (servers == null || servers.isEmpty()) {
      throw new IllegalArgumentException("no control servers given");
    }
    servers = List.copyOf(servers);
    for (URI u : servers) {
      if (!"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("control server " + u + " is not an https://host:port URL");
      }
    }
  }

  /**
   * Reads {@code CONTROL_SERVERS} (comma-separated https URLs, required),
   * {@code CONTROL_TOKEN_FILE} (file holding the bearer token) and {@code CONTROL_CA_FILE}.
   *
   * @throws IllegalArgumentException naming the setting that is missing or wrong
   */
  public static ControlEndpoints fromSettings(Map<String, String> settings) {
    String list = settings.getOrDefault(SERVERS, "").strip();
    if (list.isEmpty()) {
      throw new IllegalArgumentException(SERVERS + " is required (comma-separated https://host:port URLs)");
    }
    List<URI> servers = new ArrayList<>();
    for (String s : list.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      try {
        URI u = new URI(s.strip());
        // A trailing slash would double the one every collection path starts with.
        servers.add(u.getPath() != null && u.getPath().endsWith("/")
            ? new URI(s.strip().substring(0, s.strip().length() - 1)) : u);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(SERVERS + ": '" + s.strip() + "' is not a URL: " + e.getMessage());
      }
    }
    String token = null;
    String tokenFile = settings.getOrDefault(TOKEN_FILE, "").strip();
    if (!tokenFile.isEmpty()) {
      try {
        token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(TOKEN_FILE + ": cannot read " + tokenFile + ": " + e);
      }
      if (token.isEmpty()) {
        throw new IllegalArgumentException(TOKEN_FILE + ": " + tokenFile + " is empty");
      }
    }
    String ca = settings.getOrDefault(CA_FILE, "").strip();
    Path caFile = ca.isEmpty() ? null : Path.of(ca);
    if (caFile != null && !Files.isReadable(caFile)) {
      throw new IllegalArgumentException(CA_FILE + ": cannot read " + ca);
    }
    try {
      return new ControlEndpoints(servers, token, caFile);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SERVERS + ": " + e.getMessage());
    }
  }

  /** Keeps the token out of logs and exception messages. */
  @Override
  public String toString() {
    return "ControlEndpoints[servers=" + servers + ", token=" + (token == null ? "none" : "(set)")
        + ", caFile=" + caFile + "]";
  }
}
