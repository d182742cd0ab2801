package dev.gloo.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code KEY=VALUE} files like {@code /etc/gloo/gloo-controller.env} (the systemd
 * EnvironmentFile format): one assignment per line, {@code #} comments, blank lines, an
 * optional {@code export } prefix, and values optionally in single or double quotes.
 */
public final class EnvFile {
  private EnvFile() {}

  public static Map<String, String> read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /**
   * @throws ConfigException naming the file and line of the first malformed line
   */
  public static Map<String, String> parse(String source, List<String> lines) {
    Map<String, String> out = new LinkedHashMap<>();
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
        throw new ConfigException(source + ":" + (n + 1) + ": expected KEY=VALUE, found '" + line + "'");
      }
      String key = line.substring(0, eq).strip();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new ConfigException(source + ":" + (n + 1) + ": '" + key + "' is not a valid variable name");
      }
      out.put(key, unquote(source, n + 1, line.substring(eq + 1).strip()));
    }
    return out;
  }

  private static String unquote(String source, int line, String v) {
    if (v.length() >= 1 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
      char q = v.charAt(0);
      if (v.length() < 2 || v.charAt(v.length() - 1) != q) {
        throw new ConfigException(source + ":" + line + ": unterminated quote");
      }
      return v.substring(1, v.length() - 1);
    }
    int comment = v.indexOf(" #");
    return comment >= 0 ? v.substring(0, comment).strip() : v;
  }
}
