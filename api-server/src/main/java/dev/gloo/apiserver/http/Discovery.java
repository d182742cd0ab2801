package dev.gloo.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The discovery documents kubectl reads: aggregated discovery ({@code apidiscovery.k8s.io/v2})
 * for {@code /api} and {@code /apis}, and the legacy {@code APIVersions}, {@code APIGroupList},
 * {@code APIGroup} and {@code APIResourceList}, all built from the catalog.
 */
public final class Discovery {
  public static final String AGGREGATED_TYPE =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private final CrdCatalog catalog;
  /** "group/version" of every type served, for the check each request makes. */
  private final Set<String> groupVersions;

  public Discovery(CrdCatalog catalog) {
    this.catalog = catalog;
    this.groupVersions = catalog.all().stream().map(t -> t.group() + "/" + t.version()).collect(Collectors.toSet());
  }

  boolean serves(String group, String version) {
    return groupVersions.contains(group + "/" + version);
  }

  /** Versions per group, in catalog order, the storage version first. */
  Map<String, List<String>> groups() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ResourceType t : catalog.all()) {
      List<String> versions = out.computeIfAbsent(t.group(), g -> new ArrayList<>());
      if (!versions.contains(t.version())) {
        if (t.storage()) {
          versions.add(0, t.version());
        } else {
          versions.add(t.version());
        }
      }
    }
    return out;
  }

  public ObjectNode aggregated(boolean core) {
    ObjectNode list = NODES.objectNode();
    list.put("kind", "APIGroupDiscoveryList").put("apiVersion", "apidiscovery.k8s.io/v2");
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    for (Map.Entry<String, List<String>> g : groups().entrySet()) {
      if (g.getKey().isEmpty() != core) {
        continue;
      }
      ObjectNode item = items.addObject();
      item.putObject("metadata").put("name", g.getKey());
      ArrayNode versions = item.putArray("versions");
      for (String v : g.getValue()) {
        ObjectNode ver = versions.addObject();
        ver.put("version", v).put("freshness", "Current");
        ArrayNode resources = ver.putArray("resources");
        for (ResourceType t : types(g.getKey(), v)) {
          ObjectNode r = resources.addObject();
          r.put("resource", t.plural()).put("singularResource", t.singular())
              .put("scope", t.namespaced() ? "Namespaced" : "Cluster");
          r.putObject("responseKind").put("group", t.group()).put("version", t.version()).put("kind", t.kind());
          strings(r.putArray("verbs"), VERBS);
          strings(r.putArray("shortNames"), t.shortNames());
          strings(r.putArray("categories"), t.categories());
          if (t.statusSubresource()) {
            ObjectNode s = r.putArray("subresources").addObject();
            s.put("subresource", "status");
            s.putObject("responseKind").put("group", t.group()).put("version", t.version()).put("kind", t.kind());
            strings(s.putArray("verbs"), List.of("get", "patch", "update"));
          }
        }
      }
    }
    return list;
  }

  public ObjectNode apiVersions() {
    ObjectNode o = NODES.objectNode();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    o.putArray("serverAddressByClientCIDRs");
    return o;
  }

  public ObjectNode groupList() {
    ObjectNode o = NODES.objectNode();
    o.put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    for (Map.Entry<String, List<String>> g : groups().entrySet()) {
      if (!g.getKey().isEmpty()) {
        groups.add(group(g.getKey(), g.getValue()));
      }
    }
    return o;
  }

  public ObjectNode group(String name, List<String> versions) {
    ObjectNode g = NODES.objectNode();
    g.put("kind", "APIGroup").put("apiVersion", "v1").put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0)).put("version", versions.get(0));
    return g;
  }

  public ObjectNode resourceList(String group, String version) {
    ObjectNode o = NODES.objectNode();
    o.put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = o.putArray("resources");
    for (ResourceType t : types(group, version)) {
      ObjectNode r = resources.addObject();
      r.put("name", t.plural()).put("singularName", t.singular()).put("namespaced", t.namespaced())
          .put("kind", t.kind());
      strings(r.putArray("verbs"), VERBS);
      strings(r.putArray("shortNames"), t.shortNames());
      strings(r.putArray("categories"), t.categories());
      if (t.statusSubresource()) {
        ObjectNode s = resources.addObject();
        s.put("name", t.plural() + "/status").put("singularName", "").put("namespaced", t.namespaced())
            .put("kind", t.kind());
        strings(s.putArray("verbs"), List.of("get", "patch", "update"));
      }
    }
    return o;
  }

  List<ResourceType> types(String group, String version) {
    return catalog.all().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
  }

  private static void strings(ArrayNode arr, List<String> values) {
    values.forEach(arr::add);
  }
}
