package dev.gloo.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds the API serves, read from CRD documents ({@code apiextensions.k8s.io/v1
 * CustomResourceDefinition}). Kinds are data: the product ships its CRDs (and CRD-form
 * definitions of the core kinds it serves) as resources listed in {@code crds/index.txt} and
 * {@code core/index.txt}, and adding a kind means adding a file.
 */
public final class CrdCatalog {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, ResourceType> byResource = new LinkedHashMap<>();
  private final Map<String, ResourceType> byKind = new LinkedHashMap<>();

  private CrdCatalog(Collection<JsonNode> crds) {
    for (JsonNode crd : crds) {
      for (ResourceType t : toResourceTypes(crd)) {
        String rk = key(t.group(), t.version(), t.plural());
        if (byResource.putIfAbsent(rk, t) != null) {
          throw new IllegalArgumentException("two definitions of " + rk);
        }
        byKind.put(key(t.group(), t.version(), t.kind()), t);
      }
    }
  }

  /** The kinds that ship with the product: the core kinds, Gateway API and Gloo. */
  public static CrdCatalog builtIn() {
    List<JsonNode> docs = new ArrayList<>();
    docs.addAll(readIndex("core/"));
    docs.addAll(readIndex("crds/"));
    return new CrdCatalog(docs);
  }

  public static CrdCatalog of(Collection<JsonNode> crds) {
    return new CrdCatalog(crds);
  }

  public Optional<ResourceType> byResource(String group, String version, String plural) {
    return Optional.ofNullable(byResource.get(key(group, version, plural)));
  }

  public Optional<ResourceType> byKind(String group, String version, String kind) {
    return Optional.ofNullable(byKind.get(key(group, version, kind)));
  }

  /** Every served kind and version, in the order the definitions were read. */
  public List<ResourceType> all() {
    return List.copyOf(byResource.values());
  }

  private static String key(String group, String version, String name) {
    return group + "/" + version + "/" + name;
  }

  private static List<JsonNode> readIndex(String folder) {
    List<JsonNode> docs = new ArrayList<>();
    for (String file : lines(folder + "index.txt")) {
      try (InputStream in = resource(folder + file)) {
        for (JsonNode doc : YAML.readValues(YAML.createParser(in), JsonNode.class).readAll()) {
          if (doc != null && !doc.isNull()) {
            docs.add(doc);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + folder + file, e);
      }
    }
    return docs;
  }

  private static List<String> lines(String name) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(resource(name), StandardCharsets.UTF_8))) {
      return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = CrdCatalog.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("resource " + name + " is missing from the build");
    }
    return in;
  }

  static List<ResourceType> toResourceTypes(JsonNode crd) {
    if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
      throw new IllegalArgumentException("not a CustomResourceDefinition: " + crd.path("kind").asText());
    }
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText("");
    List<ResourceType> out = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(true)) {
        continue;
      }
      JsonNode schema = v.path("schema").path("openAPIV3Schema");
      List<ResourceType.PrinterColumn> columns = new ArrayList<>();
      for (JsonNode c : v.path("additionalPrinterColumns")) {
        columns.add(new ResourceType.PrinterColumn(c.path("name").asText(), c.path("type").asText("string"),
            c.path("jsonPath").asText(), c.path("description").asText(""), c.path("priority").asInt(0),
            c.path("format").asText("")));
      }
      out.add(new ResourceType(group, v.path("name").asText(), names.path("kind").asText(),
          names.path("listKind").asText(names.path("kind").asText() + "List"),
          names.path("plural").asText(), names.path("singular").asText(names.path("kind").asText().toLowerCase()),
          strings(names.path("shortNames")), strings(names.path("categories")),
          !"Cluster".equals(spec.path("scope").asText("Namespaced")),
          v.path("subresources").has("status"), v.path("storage").asBoolean(false),
          schema instanceof MissingNode ? Optional.empty() : Optional.of(schema), columns));
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
