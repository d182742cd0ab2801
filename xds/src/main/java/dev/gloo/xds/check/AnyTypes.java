package dev.gloo.xds.check;

import com.google.protobuf.Message;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the message type behind an {@code Any}'s type URL, so the rule check can look inside
 * filters, transport sockets and other extensions. Envoy's generated classes follow one naming
 * convention ({@code envoy.a.b.v3.Name} is {@code io.envoyproxy.envoy.a.b.v3.Name}, nested types
 * {@code Outer$Inner}), so every Envoy type in the API jar resolves without a hand-kept list;
 * so do the well-known {@code google.protobuf} types.
 */
final class AnyTypes {

  private final Map<String, Optional<Message>> cache = new ConcurrentHashMap<>();

  Optional<Message> prototype(String typeUrl) {
    return cache.computeIfAbsent(fullName(typeUrl), AnyTypes::load);
  }

  /** Whether the type URL names an Envoy type, which Envoy itself would have to know. */
  boolean claimsKnown(String typeUrl) {
    return fullName(typeUrl).startsWith("envoy.");
  }

  private static String fullName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }

  private static Optional<Message> load(String fullName) {
    String javaName;
    if (fullName.startsWith("envoy.")) {
      javaName = "io.envoyproxy." + fullName;
    } else if (fullName.startsWith("google.protobuf.")) {
      javaName = "com." + fullName;
    } else {
      return Optional.empty();
    }
    // Try "a.b.C.D" as a top-level class, then as nested classes from the right.
    String candidate = javaName;
    while (true) {
      Optional<Message> found = instance(candidate);
      if (found.isPresent()) {
        return found.filter(m -> m.getDescriptorForType().getFullName().equals(fullName));
      }
      int dot = candidate.lastIndexOf('.');
      if (dot < 0 || !Character.isUpperCase(candidate.charAt(candidate.lastIndexOf('.', dot - 1) + 1))) {
        return Optional.empty();
      }
      candidate = candidate.substring(0, dot) + "$" + candidate.substring(dot + 1);
    }
  }

  private static Optional<Message> instance(String className) {
    try {
      Class<?> type = Class.forName(className, true, AnyTypes.class.getClassLoader());
      if (!Message.class.isAssignableFrom(type)) {
        return Optional.empty();
      }
      return Optional.of((Message) type.getMethod("getDefaultInstance").invoke(null));
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }
}
