package dev.gloo.glooapi;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI reads from the process it runs in, passed in so tests can run many CLIs in one
 * JVM with their own variables, home and working directory.
 */
public record Environment(Map<String, String> variables, Path home, Path workingDir, InputStream stdin) {
  public Environment {
    variables = Map.copyOf(variables);
  }

  public static Environment ofProcess() {
    return new Environment(System.getenv(), Path.of(System.getProperty("user.home")),
        Path.of("").toAbsolutePath(), System.in);
  }

  public String variable(String name) {
    String v = variables.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
