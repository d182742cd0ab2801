package dev.gloo.extauth;

import dev.gloo.api.client.ControlEndpoints;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service's settings, from an env file like {@code /etc/gloo/gloo-extauth.env} (systemd
 * EnvironmentFile format) and {@code --set KEY=VALUE} overrides.
 *
 * @param socketPath the Unix domain socket Envoy connects to
 * @param tcpAddress an additional TCP listener, if any
 */
public record ExtAuthSettings(ControlEndpoints control, Path socketPath, Set<PosixFilePermission> socketPermissions,
    Optional<InetSocketAddress> tcpAddress) {
  public static final String SOCKET_PATH = "SOCKET_PATH";
  public static final String SOCKET_MODE = "SOCKET_MODE";
  /** rw for the owner and the group: Envoy's user joins the service's group to connect. */
  public static final Set<PosixFilePermission> DEFAULT_SOCKET_PERMISSIONS = PosixFilePermissions.fromString("rw-rw----");
  public static final String TCP_ADDRESS = "TCP_ADDRESS";
  public static final Path DEFAULT_SOCKET = Path.of("/run/gloo/extauth.sock");

  /**
   * @throws IllegalArgumentException naming the setting that is missing or wrong
   */
  public static ExtAuthSettings from(Map<String, String> s) {
    String socket = s.getOrDefault(SOCKET_PATH, "").strip();
    String tcp = s.getOrDefault(TCP_ADDRESS, "").strip();
    String mode = s.getOrDefault(SOCKET_MODE, "").strip();
    return new ExtAuthSettings(ControlEndpoints.fromSettings(s),
        socket.isEmpty() ? DEFAULT_SOCKET : Path.of(socket),
        mode.isEmpty() ? DEFAULT_SOCKET_PERMISSIONS : octalMode(mode),
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

  /** {@code 660} or {@code 0660}: owner, group and other digits as chmod takes them. */
  static Set<PosixFilePermission> octalMode(String mode) {
    if (!mode.matches("0?[0-7]{3}")) {
      throw new IllegalArgumentException(SOCKET_MODE + ": '" + mode + "' is not an octal mode like 660");
    }
    String digits = mode.substring(mode.length() - 3);
    StringBuilder rwx = new StringBuilder();
    for (char c : digits.toCharArray()) {
      int d = c - '0';
      rwx.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
    }
    return PosixFilePermissions.fromString(rwx.toString());
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
