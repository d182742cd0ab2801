package dev.gloo.store;

import java.util.List;

/**
 * Receives a watch's events. Calls for one watch never overlap and come in revision order;
 * a listener should return quickly (it runs on a shared delivery pool).
 */
public interface WatchListener {
  /** A batch of events, every one newer than those delivered before. */
  void onEvents(List<WatchEvent> events);

  /**
   * The watch ended and will deliver nothing more: {@link RevisionCompactedException} when it
   * fell behind the kept history, or another {@link StoreException}.
   */
  void onError(StoreException error);
}
