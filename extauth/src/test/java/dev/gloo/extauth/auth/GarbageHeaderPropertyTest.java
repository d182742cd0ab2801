package dev.gloo.extauth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Garbage Authorization headers are denied with 401, never an exception, for every auth type
 * that reads the header. Each case is generated from a printed seed, so a failure can be
 * replayed by running that seed alone.
 */
class GarbageHeaderPropertyTest {
  private static final BasicAuth BASIC = new BasicAuth("r", Map.of("test", new PasswordHash.Apr("n28wuo5p", "NLFTUNkXaht0g/2GJjUM51")));
  private static final JwtAuth JWT = JwtAuthTest.jwt(JwtAuthTest.RSA, "https://issuer.example", java.util.List.of(), java.util.List.of());

  static long[] seeds() {
    long base = Long.getLong("garbage.seed", 20261126L);
    long[] s = new long[300];
    for (int i = 0; i < s.length; i++) {
      s[i] = base + i;
    }
    return s;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void garbageIsA401NeverAnException(long seed) {
    String header = garbage(new Random(seed));
    AuthRequest request = new AuthRequest("GET", "h", "/", Map.of("authorization", header));
    assertEquals(401, BASIC.check(request).status(), () -> "seed " + seed + " (basic)");
    assertEquals(401, JWT.check(request).status(), () -> "seed " + seed + " (jwt)");
  }

  @Test
  void namedNastyCases() {
    String[] cases = {
        "Basic !!!not-base64!!!",
        "Basic " + Base64.getEncoder().encodeToString("no-colon-here".getBytes(StandardCharsets.UTF_8)),
        "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':', (byte) 0xc3}),
        "Basic " + Base64.getEncoder().encodeToString(("test:" + "a".repeat(1 << 20)).getBytes(StandardCharsets.UTF_8)),
        "Basic " + "A".repeat(1 << 20),
        "Basic",
        "Basic ",
        "Basic ====",
        "",
        "\u0000\u0001\u0002",
        "Bearer " + "e".repeat(1 << 20),
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    };
    for (String c : cases) {
      AuthRequest request = new AuthRequest("GET", "h", "/", Map.of("authorization", c));
      assertEquals(401, BASIC.check(request).status(), () -> "basic: " + c.substring(0, Math.min(40, c.length())));
      assertEquals(401, JWT.check(request).status(), () -> "jwt: " + c.substring(0, Math.min(40, c.length())));
    }
  }

  /** A header that looks more or less like credentials: some valid parts, some not. */
  static String garbage(Random r) {
    String scheme = switch (r.nextInt(5)) {
      case 0 -> "Basic ";
      case 1 -> "basic ";
      case 2 -> "Bearer ";
      case 3 -> "";
      default -> randomText(r, 8);
    };
    String body;
    switch (r.nextInt(6)) {
      case 0 -> body = Base64.getEncoder().encodeToString(randomBytes(r, r.nextInt(64)));
      case 1 -> body = Base64.getEncoder().encodeToString(("test:" + randomText(r, 20)).getBytes(StandardCharsets.UTF_8));
      case 2 -> body = randomText(r, r.nextInt(200));
      case 3 -> body = Base64.getEncoder().encodeToString(randomBytes(r, r.nextInt(4000) + 1000));
      case 4 -> {
        byte[] b = randomBytes(r, 30);
        b[r.nextInt(b.length)] = ':';
        body = Base64.getEncoder().encodeToString(b);
      }
      default -> body = randomText(r, 3) + "." + randomText(r, 30) + "." + randomText(r, 10);
    }
    return scheme + body;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String randomText(Random r, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append((char) (r.nextInt(3) == 0 ? r.nextInt(0xd7ff) : 0x20 + r.nextInt(0x5f)));
    }
    return s.toString();
  }
}
