package dev.gloo.extauth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** A stored, salted password hash that a presented password is checked against. */
public sealed interface PasswordHash {
  /** Compares in constant time with respect to the stored hash. */
  boolean matches(byte[] password);

  /** Apache apr1 ({@code $apr1$salt$hashedPassword}). */
  record Apr(String salt, String hashedPassword) implements PasswordHash {
    @Override
    public boolean matches(byte[] password) {
      return MessageDigest.isEqual(Apr1.hash(password, salt).getBytes(StandardCharsets.US_ASCII),
          hashedPassword.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * SHA-1 of the salt followed by the password, hex-encoded (either case); Gloo documents SHA-1
   * as insecure and supported only for existing user lists.
   */
  record Sha1(String salt, String hashedPassword) implements PasswordHash {
    @Override
    public boolean matches(byte[] password) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update(salt.getBytes(StandardCharsets.UTF_8));
        byte[] hex = HexFormat.of().formatHex(md.digest(password)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(hex, hashedPassword.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK always has SHA-1", e);
      }
    }
  }
}
