package dev.gloo.apiserver.objects;

import dev.gloo.api.crd.ResourceType;

/**
 * Where objects live in the store: {@code /registry/<group>/<plural>/<namespace>/<name>}, or
 * without the namespace for cluster-scoped kinds; the core group is spelled {@code core}. One
 * kind's objects share a prefix, and so do one namespace's objects of a kind, so lists and
 * watches are prefix ranges.
 */
public final class ObjectKeys {
  private ObjectKeys() {}

  public static String kindPrefix(ResourceType t) {
    return "/registry/" + (t.group().isEmpty() ? "core" : t.group()) + "/" + t.plural() + "/";
  }

  /** All objects of the kind in {@code namespace} (all namespaces when it is null). */
  public static String listPrefix(ResourceType t, String namespace) {
    return namespace == null || !t.namespaced() ? kindPrefix(t) : kindPrefix(t) + namespace + "/";
  }

  public static String key(ResourceType t, String namespace, String name) {
    return t.namespaced() ? kindPrefix(t) + namespace + "/" + name : kindPrefix(t) + name;
  }

  public static String namespaceKey(String namespace) {
    return "/registry/core/namespaces/" + namespace;
  }
}
