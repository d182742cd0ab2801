package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.glooapi.Manifests.Manifest;
import java.io.IOException;

/** Creating, applying and deleting one manifest's object, with kubectl's wording of the result. */
public final class Writes {
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  static final String FIELD_MANAGER = "glooapi";
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final int CONFLICT_RETRIES = 5;

  private final GlooApi root;

  public Writes(GlooApi root) {
    this.root = root;
  }

  /** A manifest's object with its type and its namespace decided. */
  public record Target(ResourceType type, String namespace, String name, ObjectNode object, String source) {
    public String display() {
      return ResourceTypes.qualifiedSingular(type) + "/" + name;
    }

    public String objectPath() {
      return ResourceTypes.objectPath(type, namespace, name);
    }

    public String collectionPath() {
      return ResourceTypes.collectionPath(type, namespace);
    }
  }

  public Target target(Manifest m) {
    JsonNode o = m.object();
    ResourceType type = root.types().forObject(o.path("apiVersion").asText(""), o.path("kind").asText(""), m.source());
    String name = o.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      throw new CliException(m.source() + ": " + o.path("kind").asText() + " has no metadata.name");
    }
    ObjectNode copy = o.deepCopy();
    ObjectNode md = (ObjectNode) copy.get("metadata");
    String ns = null;
    if (type.namespaced()) {
      String own = md.path("namespace").asText("");
      if (!own.isEmpty() && root.namespaceGiven() && !own.equals(root.namespace())) {
        throw new CliException(m.source() + ": the namespace from the provided object \"" + own
            + "\" does not match the namespace \"" + root.namespace() + "\". You must pass '--namespace=" + own
            + "' to perform this operation.");
      }
      ns = own.isEmpty() ? root.namespace() : own;
      md.put("namespace", ns);
    } else {
      md.remove("namespace");
    }
    return new Target(type, ns, name, copy, m.source());
  }

  /** Create or update to match the manifest; returns kubectl's word for what happened. */
  public String apply(Target t) {
    ObjectNode modified = t.object().deepCopy();
    ObjectNode annotations = ((ObjectNode) modified.get("metadata")).withObject("/annotations");
    annotations.remove(LAST_APPLIED);
    annotations.put(LAST_APPLIED, canonical(withoutLastApplied(t.object())) + "\n");
    Connection c = root.connection();
    for (int attempt = 0; ; attempt++) {
      Connection.Response got = c.send("GET", t.objectPath(), "application/json", null, null);
      if (got.code() == 404) {
        Connection.Response created = c.send("POST", t.collectionPath() + writeQuery(), "application/json",
            "application/json", bytes(modified));
        if (created.code() == 409 && attempt < CONFLICT_RETRIES) {
          continue; // created meanwhile by someone else: apply onto theirs
        }
        check(created, t);
        return "created";
      }
      check(got, t);
      JsonNode live = got.json();
      JsonNode original = null;
      String last = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
      if (!last.isEmpty()) {
        try {
          original = CANONICAL.readTree(last);
        } catch (IOException e) {
          original = null; // a corrupt annotation is replaced; removals it named are not known
        }
      }
      ObjectNode patch = MergePatch.threeWay(original, modified, live);
      if (patch.isEmpty()) {
        return "unchanged";
      }
      Connection.Response patched = c.send("PATCH", t.objectPath() + writeQuery(), "application/json",
          "application/merge-patch+json", bytes(patch));
      if (patched.code() == 409 && attempt < CONFLICT_RETRIES) {
        continue;
      }
      check(patched, t);
      return "configured";
    }
  }

  public void create(Target t) {
    check(root.connection().send("POST", t.collectionPath() + writeQuery(), "application/json", "application/json",
        bytes(t.object())), t);
  }

  /**
   * @return whether the object existed (and is now deleted)
   * @throws CliException the server's NotFound unless {@code ignoreNotFound}
   */
  public boolean delete(ResourceType type, String namespace, String name, String source, boolean ignoreNotFound) {
    Connection.Response r = root.connection().send("DELETE", ResourceTypes.objectPath(type, namespace, name),
        "application/json", "application/json", "{\"propagationPolicy\":\"Background\"}".getBytes());
    if (r.code() == 404 && ignoreNotFound) {
      return false;
    }
    if (r.code() >= 400) {
      throw prefixed(Connection.error(r), source);
    }
    return true;
  }

  private static String writeQuery() {
    return "?fieldManager=" + FIELD_MANAGER + "&fieldValidation=Strict";
  }

  private static void check(Connection.Response r, Target t) {
    if (r.code() >= 400) {
      throw prefixed(Connection.error(r), t.source());
    }
  }

  private static CliException prefixed(ServerError e, String source) {
    return source == null ? e : new CliException(source + ": " + e.getMessage());
  }

  private static JsonNode withoutLastApplied(ObjectNode o) {
    ObjectNode copy = o.deepCopy();
    JsonNode ann = copy.path("metadata").path("annotations");
    if (ann.isObject()) {
      ((ObjectNode) ann).remove(LAST_APPLIED);
    } else {
      // kubectl's last-applied always carries an annotations map, even an empty one.
      ((ObjectNode) copy.get("metadata")).putObject("annotations");
    }
    copy.remove("status");
    return copy;
  }

  static String canonical(JsonNode n) {
    try {
      // Through a Map so keys are sorted at every level, as kubectl writes the annotation.
      return CANONICAL.writeValueAsString(CANONICAL.treeToValue(n, Object.class));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return CANONICAL.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
