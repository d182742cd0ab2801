package dev.gloo.store;

/** A registered watch; closing it stops delivery. */
public interface Watch extends AutoCloseable {
  /** The revision of the last event delivered (or the start revision before any). */
  long lastDeliveredRevision();

  @Override
  void close();
}
