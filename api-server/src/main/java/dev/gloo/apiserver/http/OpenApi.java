package dev.gloo.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.ResourceType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 documents, one per group version, as kubectl wants them: every PATCH operation
 * names its group-version-kind and takes a {@code fieldValidation} parameter (so kubectl leaves
 * validation to the server), and {@code components.schemas} holds each kind's CRD schema (for
 * {@code kubectl explain}). The root lists each document with a content hash.
 */
public final class OpenApi {
  private final ObjectMapper json;
  private final Map<String, byte[]> documents = new LinkedHashMap<>();
  private final Map<String, String> hashes = new LinkedHashMap<>();

  public OpenApi(Discovery discovery, ObjectMapper json) {
    this.json = json;
    for (Map.Entry<String, List<String>> g : discovery.groups().entrySet()) {
      for (String v : g.getValue()) {
        String gv = g.getKey().isEmpty() ? "api/" + v : "apis/" + g.getKey() + "/" + v;
        byte[] doc = bytes(document(gv, discovery.types(g.getKey(), v)));
        documents.put(gv, doc);
        hashes.put(gv, sha256(doc));
      }
    }
  }

  public ObjectNode root() {
    ObjectNode root = json.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    hashes.forEach((gv, hash) -> paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash));
    return root;
  }

  /** The document for {@code api/v1} or {@code apis/<group>/<version>}, or null. */
  public byte[] document(String gv) {
    return documents.get(gv);
  }

  private ObjectNode document(String gv, List<ResourceType> types) {
    ObjectNode doc = json.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "gloo-control").put("version", "v1");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (ResourceType t : types) {
      String base = "/" + gv + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural() + "/{name}";
      for (String path : List.of(base, base + "/status")) {
        if (path.endsWith("/status") && !t.statusSubresource()) {
          continue;
        }
        ObjectNode patch = paths.putObject(path).putObject("patch");
        patch.put("operationId", "patch" + t.kind());
        patch.putObject("x-kubernetes-group-version-kind").put("group", t.group()).put("version", t.version())
            .put("kind", t.kind());
        ArrayNode params = patch.putArray("parameters");
        for (String p : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
          params.addObject().put("name", p).put("in", "query").putObject("schema").put("type", p.equals("force") ? "boolean" : "string");
        }
        patch.putObject("responses").putObject("200").put("description", "OK");
      }
      String schemaName = (t.group().isEmpty() ? "io.k8s.api.core" : t.group()) + "." + t.version() + "." + t.kind();
      ObjectNode schema = t.schema().map(JsonNode::deepCopy).map(ObjectNode.class::cast)
          .orElseGet(() -> json.createObjectNode().put("type", "object"));
      ArrayNode gvk = schema.putArray("x-kubernetes-group-version-kind");
      gvk.addObject().put("group", t.group()).put("kind", t.kind()).put("version", t.version());
      schemas.set(schemaName, schema);
    }
    return doc;
  }

  private byte[] bytes(ObjectNode doc) {
    try {
      return json.writeValueAsBytes(doc);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] doc) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(doc)).substring(0, 32).toUpperCase();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
