package dev.gloo.translator.model;

import java.util.Comparator;

/**
 * Names one stored object. {@code group} is "" for core kinds; {@code namespace} is "" for
 * cluster-scoped kinds. Ordered by group, kind, namespace, name so that every output built by
 * iterating over refs is deterministic.
 */
public record ObjectRef(String group, String kind, String namespace, String name)
    implements Comparable<ObjectRef> {

  private static final Comparator<ObjectRef> ORDER = Comparator.comparing(ObjectRef::group)
      .thenComparing(ObjectRef::kind).thenComparing(ObjectRef::namespace).thenComparing(ObjectRef::name);

  /** {@code namespace/name}, or just {@code name} for cluster-scoped objects. */
  public String namespacedName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  @Override
  public int compareTo(ObjectRef o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return kind + " " + namespacedName();
  }
}
