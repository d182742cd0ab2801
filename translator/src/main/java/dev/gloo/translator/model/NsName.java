package dev.gloo.translator.model;

import java.util.Comparator;

/** A namespaced name; ordered by namespace, then name. */
public record NsName(String namespace, String name) implements Comparable<NsName> {
  private static final Comparator<NsName> ORDER =
      Comparator.comparing(NsName::namespace).thenComparing(NsName::name);

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
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
