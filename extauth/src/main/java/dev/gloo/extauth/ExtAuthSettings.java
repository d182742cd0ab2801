package dev.gloo.extauth;

import dev.gloo.api.client.ControlEndpoints;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service's settings, from an env file like {@code /etc/gloo/gloo-extauth.env} (systemd
 * EnvironmentFile format) and {@code --set KEY=VALUE} overrides.
 *
 * @param socketPath the Unix domain socket Envoy connects to
 * @param tcpAddress an additional TCP listener, if any
 */
public record ExtAuthSettings(ControlEndpoints control, Path socketPath, Optional<InetSocketAddress> tcpAddress) {
  public static final String SOCKET_PATH = "SOCKET_PATH";
  public static final String TCP_ADDRESS = "TCP_ADDRESS";
  public static final Path DEFAULT_SOCKET = Path.of("/run/gloo/extauth.sock");

  /**
   * @throws IllegalArgumentException naming the setting that is missing or wrong
   */
  public static ExtAuthSettings from(Map<String, String> s) {
    String socket = s.getOrDefault(SOCKET_PATH, "").strip();
    String tcp = s.getOrDefault(TCP_ADDRESS, "").strip();
    return new ExtAuthSettings(ControlEndpoints.fromSettings(s),
        socket.isEmpty() ? DEFAULT_SOCKET : Path.of(socket),
        tcp.isEmpty() ? Optional.empty() : Optional.of(hostPort(TCP_ADDRESS, tcp)));
  }

  /** {@code --env-file FILE} and {@code --set KEY=VALUE}, later ones winning. */
  public static Map<String, String> parseArgs(String[] args) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--env-file") && i + 1 < args.length) {
        out.putAll(readEnvFile(Path.of(args[++i])));
      } else if (a.equals("--set") && i + 1 < args.length && args[i + 1].contains("=")) {
        String kv = args[++i];
        out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException("unexpected argument " + a
            + " (usage: gloo-extauth --env-file FILE [--set KEY=VALUE]...)");
      }
    }
    return out;
  }

  /**
   * {@code KEY=VALUE} lines, {@code #} comments, optional {@code export } and quotes: the same
   * format as the control nodes' env files.
   */
  static Map<String, String> readEnvFile(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(file + ":" + (n + 1) + ": expected KEY=VALUE");
      }
      String v = line.substring(eq + 1).strip();
      if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
        v = v.substring(1, v.length() - 1);
      } else if (v.contains(" #")) {
        v = v.substring(0, v.indexOf(" #")).strip();
      }
      out.put(line.substring(0, eq).strip(), v);
    }
    return out;
  }

  private static InetSocketAddress hostPort(String setting, String value) {
    int colon = value.lastIndexOf(':');
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (colon <= 0 || port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(value.substring(0, colon), port);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException(setting + ": '" + value + "' is not host:port");
    }
  }
}
