package dev.gloo.translator.plugins;

import com.google.protobuf.Duration;
import java.math.BigDecimal;
import java.util.Optional;

/** Durations in protobuf JSON form ({@code "1.5s"}), as Gloo's options write them. */
public final class GlooDurations {
  private GlooDurations() {}

  public static Optional<Duration> parse(String text) {
    if (text == null || !text.endsWith("s") || text.length() < 2) {
      return Optional.empty();
    }
    try {
      BigDecimal seconds = new BigDecimal(text.substring(0, text.length() - 1));
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(315_576_000_000L)) > 0) {
        return Optional.empty();
      }
      long whole = seconds.longValue();
      int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
      return Optional.of(Duration.newBuilder().setSeconds(whole).setNanos(nanos).build());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
