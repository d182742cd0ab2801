package dev.gloo.api.validation;

import java.util.regex.Pattern;

/** Builds field paths the way kube-apiserver prints them: {@code spec.rules[0].matches}. */
final class FieldPath {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private FieldPath() {}

  static String child(String parent, String name) {
    boolean plain = PLAIN.matcher(name).matches();
    if (parent.isEmpty()) {
      return plain ? name : "[" + quote(name) + "]";
    }
    return plain ? parent + "." + name : parent + "[" + quote(name) + "]";
  }

  static String index(String parent, int i) {
    return parent + "[" + i + "]";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
