package dev.gloo.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key's current state. {@code createRevision} is the revision that created the key (it is
 * reset when a deleted key is created again), {@code modRevision} the revision that last changed
 * it, and {@code version} counts the changes since creation (1 after create).
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue other
        && key.equals(other.key)
        && Arrays.equals(value, other.value)
        && createRevision == other.createRevision
        && modRevision == other.modRevision
        && version == other.version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version);
  }

  @Override
  public String toString() {
    return "KeyValue[" + key + ", " + value.length + " bytes, create=" + createRevision
        + ", mod=" + modRevision + ", version=" + version + "]";
  }
}
