package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Objects read from {@code -f} arguments: files, folders (their {@code .yaml}, {@code .yml} and
 * {@code .json} files, sorted, not recursive, like kubectl) and {@code -} for stdin; YAML with
 * several documents, and {@code kind: List} unpacked.
 */
public final class Manifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One object and where it came from ({@code file} or {@code file#3} for the 3rd document). */
  public record Manifest(JsonNode object, String source) {}

  private Manifests() {}

  public static List<Manifest> read(List<String> args, Path workingDir, InputStream stdin) {
    if (args == null || args.isEmpty()) {
      throw new CliException("must specify -f (a file, a folder, or - for stdin)");
    }
    List<Manifest> out = new ArrayList<>();
    for (String a : args) {
      if (a.equals("-")) {
        try {
          out.addAll(parse(new String(stdin.readAllBytes(), StandardCharsets.UTF_8), "STDIN"));
        } catch (IOException e) {
          throw new CliException("cannot read stdin: " + e.getMessage());
        }
        continue;
      }
      Path p = workingDir.resolve(a);
      if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> s = Files.list(p)) {
          files = s.filter(f -> f.toString().matches(".*\\.(yaml|yml|json)$") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
          throw new CliException("cannot list " + a + ": " + e.getMessage());
        }
        for (Path f : files) {
          out.addAll(parse(readFile(f, a + "/" + f.getFileName()), a + "/" + f.getFileName()));
        }
      } else {
        out.addAll(parse(readFile(p, a), a));
      }
    }
    if (out.isEmpty()) {
      throw new CliException("no objects passed to -f " + String.join(",", args));
    }
    return out;
  }

  private static String readFile(Path p, String name) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException("the path \"" + name + "\" does not exist");
    } catch (IOException e) {
      throw new CliException("cannot read " + name + ": " + e.getMessage());
    }
  }

  static List<Manifest> parse(String text, String source) {
    List<Manifest> out = new ArrayList<>();
    try {
      int doc = 0;
      for (JsonNode n : YAML.readValues(YAML.createParser(text), JsonNode.class).readAll()) {
        doc++;
        if (n == null || n.isNull() || (n.isObject() && n.isEmpty())) {
          continue;
        }
        String where = doc == 1 ? source : source + " (document " + doc + ")";
        if (!n.isObject()) {
          throw new CliException(where + ": a document is not an object");
        }
        if (n.path("kind").asText().equals("List") && n.path("items").isArray()) {
          for (JsonNode item : n.path("items")) {
            out.add(new Manifest(item, where));
          }
        } else {
          out.add(new Manifest(n, where));
        }
      }
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new CliException("error parsing " + source + ": " + msg);
    }
    return out;
  }
}
