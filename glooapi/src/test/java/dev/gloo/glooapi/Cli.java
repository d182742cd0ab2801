package dev.gloo.glooapi;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs the CLI in this JVM with its own environment, and captures what it prints. */
final class Cli {
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result run(Map<String, String> env, Path home, Path cwd, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream in = new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8));
    int code = GlooApi.commandLine(new Environment(env, home, cwd, in), new PrintWriter(out, true),
        new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
