package dev.gloo.glooapi;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** kubectl's durations: {@code 30s}, {@code 5m}, {@code 1h}, {@code 1m30s}, {@code 500ms}, or plain seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    String v = value.strip();
    if (v.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    Matcher m = PART.matcher(v);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms" -> d = d.plusMillis(n);
        case "s" -> d = d.plusSeconds(n);
        case "m" -> d = d.plusMinutes(n);
        default -> d = d.plusHours(n);
      }
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (like 30s, 5m, 1h)");
    }
    return d;
  }
}
