package dev.gloo.translator.plugins;

import dev.gloo.translator.TranslatorSettings;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.model.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a plugin sees while one Gateway is translated: the snapshot, the settings, a way to
 * add clusters, and a place to report problems with policy objects (they end up in those
 * objects' status). Plugins record here what they used, so that they add their HTTP filter
 * only to Gateways that need it.
 */
public final class PluginContext {
  public final Snapshot snapshot;
  public final TranslatorSettings settings;
  private final Function<String, Cluster> upstreamCluster;
  private final java.util.function.Consumer<Cluster> addCluster;
  private final SortedMap<ObjectRef, List<String>> problems;
  private final Set<String> used = new TreeSet<>();

  public PluginContext(Snapshot snapshot, TranslatorSettings settings,
      Function<String, Cluster> upstreamCluster, java.util.function.Consumer<Cluster> addCluster,
      SortedMap<ObjectRef, List<String>> problems) {
    this.snapshot = snapshot;
    this.settings = settings;
    this.upstreamCluster = upstreamCluster;
    this.addCluster = addCluster;
    this.problems = problems;
  }

  /**
   * The cluster of an Upstream given as {@code namespace/name}, added to this Gateway's
   * clusters; null when the Upstream is missing or cannot be translated.
   */
  public Cluster useUpstream(String namespacedName) {
    Cluster c = upstreamCluster.apply(namespacedName);
    if (c != null) {
      addCluster.accept(c);
    }
    return c;
  }

  /** Adds a cluster to this Gateway's clusters (kept once per name). */
  public void addCluster(Cluster c) {
    addCluster.accept(c);
  }

  public void problem(ObjectRef policy, String message) {
    problems.computeIfAbsent(policy, k -> new ArrayList<>()).add(message);
  }

  public void markUsed(String feature) {
    used.add(feature);
  }

  public boolean used(String feature) {
    return used.contains(feature);
  }

  /** Problems reported so far, by policy object. */
  public Map<ObjectRef, List<String>> problems() {
    return new TreeMap<>(problems);
  }
}
