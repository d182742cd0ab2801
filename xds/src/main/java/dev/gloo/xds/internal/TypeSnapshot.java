package dev.gloo.xds.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One resource type of one Gateway: resources sorted by name, each with its content version,
 * and a version for the whole type that is a hash of every name and content. The version
 * depends on content only, never on when or where it was built.
 */
public final class TypeSnapshot {

  private final String version;
  private final SortedMap<String, VersionedResource> resources;

  private TypeSnapshot(String version, SortedMap<String, VersionedResource> resources) {
    this.version = version;
    this.resources = Collections.unmodifiableSortedMap(resources);
  }

  /**
   * @throws IllegalArgumentException when two resources share a name (Envoy would reject the
   *     response, and which one to keep is a translator bug that must not be guessed)
   */
  public static TypeSnapshot of(ResourceType type, List<? extends Message> messages) {
    SortedMap<String, VersionedResource> byName = new TreeMap<>();
    MessageDigest one = Deterministic.sha256();
    for (Message message : messages) {
      String name = ResourceType.nameOf(message);
      ByteString bytes = Deterministic.bytes(message);
      one.update(bytes.asReadOnlyByteBuffer());
      VersionedResource resource =
          new VersionedResource(
              name,
              Deterministic.hex(one.digest()),
              com.google.protobuf.Any.newBuilder()
                  .setTypeUrl(type.typeUrl())
                  .setValue(bytes)
                  .build());
      if (byName.put(name, resource) != null) {
        throw new IllegalArgumentException(
            "two " + type.typeUrl() + " resources are named '" + name + "'");
      }
    }
    MessageDigest all = Deterministic.sha256();
    for (VersionedResource resource : byName.values()) {
      byte[] name = resource.name().getBytes(StandardCharsets.UTF_8);
      all.update(intBytes(name.length));
      all.update(name);
      all.update(resource.version().getBytes(StandardCharsets.US_ASCII));
    }
    return new TypeSnapshot(Deterministic.hex(all.digest()), byName);
  }

  private static byte[] intBytes(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  public String version() {
    return version;
  }

  /** Every resource, sorted by name. */
  public SortedMap<String, VersionedResource> resources() {
    return resources;
  }

  public VersionedResource get(String name) {
    return resources.get(name);
  }
}
