package dev.gloo.extauth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gloo's {@code apiKeyAuth}: the request's key header must carry one of the keys held in the
 * selected Secrets; the key's metadata (the Secret's other entries) can be forwarded upstream as
 * headers ({@code headersFromMetadataEntry}).
 *
 * <p>Keys are looked up by their SHA-256 digest and then compared in constant time, so the
 * time a lookup takes says nothing about how close a guess was.
 */
public final class ApiKeyAuth implements AuthCheck {
  /** Gloo's default header. */
  public static final String DEFAULT_HEADER = "api-key";
  public static final int MAX_KEY_LENGTH = 4096;

  /** One valid key and what it carries. */
  public record ApiKey(String secret, byte[] key, Map<String, String> metadata) {
    public ApiKey {
      metadata = Map.copyOf(metadata);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
      return "ApiKey[secret=" + secret + ", metadata=" + metadata.keySet() + "]";
    }
  }

  /** Forward metadata entry {@code name} as a header; {@code required} denies keys without it. */
  public record MetadataHeader(String header, String name, boolean required) {}

  private final String headerName;
  private final Map<String, ApiKey> byDigest;
  private final List<MetadataHeader> metadataHeaders;

  /**
   * @throws IllegalArgumentException when two Secrets hold the same key: which one's metadata
   *     applies would be undefined
   */
  public ApiKeyAuth(String headerName, List<ApiKey> keys, List<MetadataHeader> metadataHeaders) {
    this.headerName = headerName.toLowerCase(java.util.Locale.ROOT);
    this.metadataHeaders = List.copyOf(metadataHeaders);
    Map<String, ApiKey> m = new HashMap<>();
    for (ApiKey k : keys) {
      ApiKey previous = m.put(digest(k.key()), k);
      if (previous != null) {
        throw new IllegalArgumentException("secrets " + previous.secret() + " and " + k.secret() + " hold the same API key");
      }
    }
    this.byDigest = Map.copyOf(m);
  }

  @Override
  public Decision check(AuthRequest request) {
    Optional<String> presented = request.header(headerName);
    if (presented.isEmpty() || presented.get().isEmpty()) {
      return Decision.unauthorized("no API key in header " + headerName);
    }
    if (presented.get().length() > MAX_KEY_LENGTH) {
      return Decision.unauthorized("API key longer than " + MAX_KEY_LENGTH);
    }
    byte[] key = presented.get().getBytes(StandardCharsets.UTF_8);
    ApiKey found = byDigest.get(digest(key));
    if (found == null || !MessageDigest.isEqual(found.key(), key)) {
      return Decision.unauthorized("unknown API key");
    }
    List<Header> headers = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (MetadataHeader h : metadataHeaders) {
      String value = found.metadata().get(h.name());
      if (value != null) {
        headers.add(Header.set(h.header(), value));
      } else if (h.required()) {
        return Decision.unauthorized("API key of " + found.secret() + " has no metadata entry " + h.name());
      } else {
        remove.add(h.header());
      }
    }
    return Decision.allow(headers, remove);
  }

  private static String digest(byte[] key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
