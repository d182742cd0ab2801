package dev.gloo.store;

/**
 * One change, at {@code revision}. For {@link Type#PUT}, {@code kv} is the new state; for
 * {@link Type#DELETE}, {@code kv} is the state the key had before it was deleted.
 */
public record WatchEvent(Type type, KeyValue kv, long revision) {
  public enum Type { PUT, DELETE }
}
