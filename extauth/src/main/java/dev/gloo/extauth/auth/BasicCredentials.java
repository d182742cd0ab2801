package dev.gloo.extauth.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A user and password from an {@code Authorization: Basic} header (RFC 7617).
 *
 * @param password raw UTF-8 bytes, as the hashes are computed over bytes
 */
public record BasicCredentials(String user, byte[] password) {
  /**
   * The longest header value parsed. Bounds the hashing work a request can cause: apr1 hashes
   * the password about 2,000 times. Longer headers are refused unread.
   */
  public static final int MAX_HEADER_LENGTH = 1024;

  /** The credentials, or empty for a missing, oversized or malformed header. Never throws. */
  public static Optional<BasicCredentials> parse(Optional<String> authorization) {
    if (authorization.isEmpty() || authorization.get().length() > MAX_HEADER_LENGTH) {
      return Optional.empty();
    }
    String value = authorization.get().strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
      return Optional.empty();
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = indexOf(decoded, (byte) ':');
    if (colon < 0) {
      return Optional.empty();
    }
    try {
      String user = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(decoded)).toString();
      return Optional.of(new BasicCredentials(user.substring(0, user.indexOf(':')),
          Arrays.copyOfRange(decoded, colon + 1, decoded.length)));
    } catch (CharacterCodingException notUtf8) {
      return Optional.empty();
    }
  }

  private static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BasicCredentials c && c.user.equals(user) && Arrays.equals(c.password, password);
  }

  @Override
  public int hashCode() {
    return user.hashCode() * 31 + Arrays.hashCode(password);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + "]";
  }
}
