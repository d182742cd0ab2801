package dev.gloo.extauth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Apache's apr1 password hash ({@code htpasswd -m}): MD5-crypt with the magic {@code $apr1$},
 * as in APR's {@code apr_md5_encode}. No library on our classpath carries it, and it is short.
 */
public final class Apr1 {
  private static final byte[] MAGIC = "$apr1$".getBytes(StandardCharsets.US_ASCII);
  private static final char[] ITOA64 =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private Apr1() {}

  /**
   * The 22-character hash part of {@code $apr1$salt$hash} for this password and salt (only the
   * salt's first 8 characters count, as in APR).
   */
  public static String hash(byte[] password, String salt) {
    byte[] s = salt.getBytes(StandardCharsets.US_ASCII);
    if (s.length > 8) {
      s = java.util.Arrays.copyOf(s, 8);
    }
    MessageDigest md = md5();
    md.update(password);
    md.update(s);
    md.update(password);
    byte[] alternate = md.digest();

    md.update(password);
    md.update(MAGIC);
    md.update(s);
    for (int left = password.length; left > 0; left -= 16) {
      md.update(alternate, 0, Math.min(left, 16));
    }
    // APR feeds the C string's first byte, or its terminating NUL for an empty password.
    byte first = password.length > 0 ? password[0] : 0;
    for (int i = password.length; i != 0; i >>>= 1) {
      md.update((i & 1) != 0 ? 0 : first);
    }
    byte[] f = md.digest();

    // The 1000 rounds exist to make guessing slow; they are the same in every implementation.
    for (int i = 0; i < 1000; i++) {
      if ((i & 1) != 0) {
        md.update(password);
      } else {
        md.update(f);
      }
      if (i % 3 != 0) {
        md.update(s);
      }
      if (i % 7 != 0) {
        md.update(password);
      }
      if ((i & 1) != 0) {
        md.update(f);
      } else {
        md.update(password);
      }
      f = md.digest();
    }

    StringBuilder out = new StringBuilder(22);
    to64(out, (b(f[0]) << 16) | (b(f[6]) << 8) | b(f[12]), 4);
    to64(out, (b(f[1]) << 16) | (b(f[7]) << 8) | b(f[13]), 4);
    to64(out, (b(f[2]) << 16) | (b(f[8]) << 8) | b(f[14]), 4);
    to64(out, (b(f[3]) << 16) | (b(f[9]) << 8) | b(f[15]), 4);
    to64(out, (b(f[4]) << 16) | (b(f[10]) << 8) | b(f[5]), 4);
    to64(out, b(f[11]), 2);
    return out.toString();
  }

  private static int b(byte v) {
    return v & 0xff;
  }

  private static void to64(StringBuilder out, int v, int n) {
    for (int i = 0; i < n; i++) {
      out.append(ITOA64[v & 0x3f]);
      v >>>= 6;
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has MD5", e);
    }
  }
}
