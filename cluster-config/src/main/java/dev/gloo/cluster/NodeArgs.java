package dev.gloo.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A node's command line: {@code --env-file FILE} and {@code --set KEY=VALUE}, later ones winning. */
public final class NodeArgs {
  private NodeArgs() {}

  public static Map<String, String> parse(String[] args) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--env-file" -> {
          if (i + 1 >= args.length) {
            throw new ConfigException("--env-file needs a file");
          }
          env.putAll(EnvFile.read(Path.of(args[++i])));
        }
        case "--set" -> {
          if (i + 1 >= args.length || !args[i + 1].contains("=")) {
            throw new ConfigException("--set needs KEY=VALUE");
          }
          String kv = args[++i];
          overrides.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        default -> throw new ConfigException("unknown argument " + args[i]
            + " (usage: gloo-control --env-file FILE [--set KEY=VALUE]...)");
      }
    }
    env.putAll(overrides);
    return env;
  }
}
