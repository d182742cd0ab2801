package dev.gloo.translator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.gloo.translator.model.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Objects for tests, written as multi-document YAML (files under src/test/resources or inline). */
final class Fixtures {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Fixtures() {}

  static List<JsonNode> parse(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(yaml)) {
      for (var it = YAML.readValues(p, JsonNode.class); it.hasNext(); ) {
        JsonNode n = it.next();
        if (n != null && !n.isMissingNode() && !n.isNull()) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A snapshot of the objects in the given YAML texts; later documents replace earlier ones. */
  static Snapshot snapshot(String... yamls) {
    Snapshot.Builder b = Snapshot.builder(1);
    for (String y : yamls) {
      parse(y).forEach(b::add);
    }
    return b.build();
  }

  /**
   * Checks every Gateway's resources the way Envoy would judge them (the PGV rules of the Envoy
   * protos, and that every referenced route config, cluster, endpoint and secret exists).
   */
  static TranslationResult checked(TranslationResult r) {
    r.gateways().forEach((name, g) -> {
      var violations = dev.gloo.xds.check.ResourceValidator.validate(new dev.gloo.xds.EnvoyResources(
          g.listeners(), g.routes(), g.clusters(), g.endpoints(), g.secrets()));
      if (!violations.isEmpty()) {
        throw new AssertionError("Envoy would reject the resources of " + name + ": " + violations);
      }
    });
    return r;
  }

  static Snapshot seed(String... files) {
    List<String> texts = new ArrayList<>();
    for (String f : files) {
      texts.add(resource("seed/" + f));
    }
    return snapshot(texts.toArray(String[]::new));
  }
}
