package dev.gloo.xds;

import java.util.concurrent.CompletableFuture;

/** Lets a node prove it is caught up with the cluster before answering a new stream. */
@FunctionalInterface
public interface ReadBarrier {

  /**
   * Completes with a store revision R: once the node has published a snapshot at revision
   * {@code >= R}, it is at least as new as anything any node served before the call (for the
   * node: the revision a linearizable read would observe). Completes exceptionally when the
   * node cannot tell, for example without a quorum.
   */
  CompletableFuture<Long> revision();
}
