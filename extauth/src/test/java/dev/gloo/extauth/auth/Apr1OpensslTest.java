package dev.gloo.extauth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our apr1 against an independent implementation: {@code openssl passwd -apr1}. */
class Apr1OpensslTest {
  private static final String SALT_CHARS = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void agreesWithOpensslOnRandomPasswordsAndSalts(long seed) throws Exception {
    Random r = new Random(seed);
    StringBuilder password = new StringBuilder();
    int length = r.nextInt(40);
    for (int i = 0; i < length; i++) {
      password.append((char) (0x21 + r.nextInt(0x5e)));
    }
    StringBuilder salt = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      salt.append(SALT_CHARS.charAt(r.nextInt(SALT_CHARS.length())));
    }
    Process p = new ProcessBuilder("openssl", "passwd", "-apr1", "-salt", salt.toString(), "-stdin")
        .redirectErrorStream(true).start();
    p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(30, TimeUnit.SECONDS);
    assertEquals(out, "$apr1$" + salt + "$" + Apr1.hash(password.toString().getBytes(StandardCharsets.UTF_8),
        salt.toString()), "seed " + seed + ", password length " + length);
  }
}
