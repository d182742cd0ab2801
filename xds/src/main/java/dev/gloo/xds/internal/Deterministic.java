package dev.gloo.xds.internal;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic protobuf bytes and content hashes. Plain {@code toByteString()} writes map
 * entries in insertion order, so two nodes that built equal messages in a different order
 * would send different bytes and versions; deterministic serialization sorts map keys.
 */
public final class Deterministic {

  private static final HexFormat HEX = HexFormat.of();

  private Deterministic() {}

  public static ByteString bytes(Message message) {
    int size = message.getSerializedSize();
    byte[] out = new byte[size];
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    stream.useDeterministicSerialization();
    try {
      message.writeTo(stream);
      stream.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("serializing " + message.getDescriptorForType(), e);
    }
    // The array is ours alone and never written again, so wrapping it is safe.
    return UnsafeByteOperations.unsafeWrap(out);
  }

  public static Any pack(Message message) {
    return Any.newBuilder()
        .setTypeUrl("type.googleapis.com/" + message.getDescriptorForType().getFullName())
        .setValue(bytes(message))
        .build();
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The first 128 bits of a digest as 32 hex characters: short, and collision-free enough. */
  public static String hex(byte[] digest) {
    return HEX.formatHex(digest, 0, 16);
  }
}
