package dev.gloo.glooapi;

import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resource names as kubectl takes them (plural, singular, short name, kind, each optionally
 * qualified by {@code .group} or {@code .version.group}) resolved against the kinds the product
 * serves, and the URL paths of their collections and objects.
 */
public final class ResourceTypes {
  private final CrdCatalog catalog;
  /** One type per group and plural: the storage version, or the first served one. */
  private final List<ResourceType> preferred;

  public ResourceTypes(CrdCatalog catalog) {
    this.catalog = catalog;
    Map<String, ResourceType> byGroupPlural = new LinkedHashMap<>();
    for (ResourceType t : catalog.all()) {
      String k = t.group() + "/" + t.plural();
      ResourceType have = byGroupPlural.get(k);
      if (have == null || (!have.storage() && t.storage())) {
        byGroupPlural.put(k, t);
      }
    }
    this.preferred = List.copyOf(byGroupPlural.values());
  }

  public static ResourceTypes builtIn() {
    return new ResourceTypes(CrdCatalog.builtIn());
  }

  public List<ResourceType> all() {
    return preferred;
  }

  /**
   * @throws CliException kubectl's "the server doesn't have a resource type" when nothing matches
   */
  public ResourceType resolve(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    // Unqualified names first, so "gateway" is not read as resource "gateway" of group "".
    for (ResourceType t : preferred) {
      if (matches(t, n)) {
        return t;
      }
    }
    for (ResourceType t : preferred) {
      String g = "." + t.group();
      if (!t.group().isEmpty() && n.endsWith(g)) {
        String rest = n.substring(0, n.length() - g.length());
        String v = "." + t.version();
        if (matches(t, rest) || (rest.endsWith(v) && matches(t, rest.substring(0, rest.length() - v.length())))) {
          return t;
        }
      }
    }
    throw new CliException("the server doesn't have a resource type \"" + name + "\"");
  }

  private static boolean matches(ResourceType t, String n) {
    return n.equals(t.plural()) || n.equals(t.singular()) || n.equals(t.kind().toLowerCase(Locale.ROOT))
        || t.shortNames().contains(n);
  }

  /** The type of a manifest, by its {@code apiVersion} and {@code kind}. */
  public ResourceType forObject(String apiVersion, String kind, String source) {
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw new CliException(source + ": object has no " + (apiVersion.isEmpty() ? "apiVersion" : "kind"));
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    Optional<ResourceType> t = catalog.byKind(group, version, kind);
    return t.orElseThrow(() -> new CliException(source + ": no matches for kind \"" + kind + "\" in version \""
        + apiVersion + "\""));
  }

  /** {@code gateway.gateway.networking.k8s.io}, {@code namespace}: how kubectl names a type in output. */
  public static String qualifiedSingular(ResourceType t) {
    return t.group().isEmpty() ? t.singular() : t.singular() + "." + t.group();
  }

  /** {@code gateways.gateway.networking.k8s.io}: how the server names a type in messages. */
  public static String qualifiedPlural(ResourceType t) {
    return t.group().isEmpty() ? t.plural() : t.plural() + "." + t.group();
  }

  /**
   * The collection's path; {@code namespace == null} for a cluster-scoped type or for all
   * namespaces.
   */
  public static String collectionPath(ResourceType t, String namespace) {
    String base = t.group().isEmpty() ? "/api/" + t.version() : "/apis/" + t.group() + "/" + t.version();
    if (t.namespaced() && namespace != null) {
      base += "/namespaces/" + encode(namespace);
    }
    return base + "/" + t.plural();
  }

  public static String objectPath(ResourceType t, String namespace, String name) {
    return collectionPath(t, namespace) + "/" + encode(name);
  }

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Splits {@code TYPE/NAME} arguments, or {@code TYPE NAME...}, into references. */
  public List<Ref> refs(List<String> args, String verb) {
    if (args.isEmpty()) {
      throw new CliException("you must specify the type of resource to " + verb);
    }
    List<Ref> out = new ArrayList<>();
    if (args.get(0).contains("/")) {
      for (String a : args) {
        int slash = a.indexOf('/');
        if (slash <= 0 || slash == a.length() - 1) {
          throw new CliException("there is no need to specify a resource type as a separate argument when passing"
              + " arguments in resource/name form (e.g. 'glooapi " + verb + " gateway/gw'), got '" + a + "'");
        }
        out.add(new Ref(resolve(a.substring(0, slash)), a.substring(slash + 1)));
      }
      return out;
    }
    ResourceType t = resolve(args.get(0));
    for (String name : args.subList(1, args.size())) {
      if (name.contains("/")) {
        throw new CliException("mixing TYPE NAME and TYPE/NAME arguments: '" + name + "'");
      }
      out.add(new Ref(t, name));
    }
    if (out.isEmpty()) {
      out.add(new Ref(t, null));
    }
    return out;
  }

  /** A type and a name, or a type alone ({@code name == null}) for "all of them". */
  public record Ref(ResourceType type, String name) {}
}
