package dev.gloo.translator.model;

/** A namespaced name; ordered by namespace, then name. */
public record NsName(String namespace, String name) implements Comparable<NsName> {
  /** Parses {@code namespace/name}. */
  public static NsName parse(String s) {
    int slash = s.indexOf('/');
    if (slash <= 0 || slash == s.length() - 1) {
      throw new IllegalArgumentException("expected namespace/name, got \"" + s + "\"");
    }
    return new NsName(s.substring(0, slash), s.substring(slash + 1));
  }

  @Override
  public int compareTo(NsName o) {
    // Written out: this runs for every route of every snapshot the controller builds.
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
