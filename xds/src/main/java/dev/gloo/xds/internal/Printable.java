package dev.gloo.xds.internal;

/** Client-supplied text made safe for one log line or a stats field: short, no control characters. */
final class Printable {

  private Printable() {}

  static String of(String text, int max) {
    String shown = text.length() > max ? text.substring(0, max) + "...(" + text.length() + " chars)" : text;
    StringBuilder out = new StringBuilder(shown.length());
    shown.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
