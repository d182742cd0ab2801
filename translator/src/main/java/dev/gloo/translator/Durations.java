package dev.gloo.translator;

import com.google.protobuf.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the Gateway API writes them ({@code 1h30m}, {@code 500ms}, {@code 10s}) and as
 * Gloo writes them (protobuf JSON, {@code 1.5s}).
 */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private Durations() {}

  static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return Optional.empty();
      }
      end = m.end();
      double v = Double.parseDouble(m.group(1));
      switch (m.group(2)) {
        case "h":
          nanos += (long) (v * 3600e9);
          break;
        case "m":
          nanos += (long) (v * 60e9);
          break;
        case "s":
          nanos += (long) (v * 1e9);
          break;
        default:
          nanos += (long) (v * 1e6);
      }
    }
    if (end != text.length() || end == 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.newBuilder().setSeconds(nanos / 1_000_000_000L)
        .setNanos((int) (nanos % 1_000_000_000L)).build());
  }
}
