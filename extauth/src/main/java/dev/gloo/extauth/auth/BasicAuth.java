package dev.gloo.extauth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Gloo's {@code basicAuth}: users with salted password hashes (apr1, or SHA-1 in the
 * {@code encryption}/{@code userList} form). A miss answers 401 with
 * {@code WWW-Authenticate: Basic realm="..."} so browsers prompt.
 *
 * <p>Work per request is bounded: the header length is capped before decoding, an unknown user
 * costs the same hash as a known one (no user enumeration by timing), and passwords that
 * verified recently are remembered in a bounded cache so that legitimate clients do not pay for
 * apr1's rounds on every request. Wrong passwords are never cached, so a flood of them cannot
 * evict the good entries.
 */
public final class BasicAuth implements AuthCheck {
  static final int VERIFIED_CACHE_SIZE = 4096;
  private static final PasswordHash NOBODY = new PasswordHash.Apr("nobody00", "0000000000000000000000");

  private final String realm;
  private final Map<String, PasswordHash> users;
  private final BoundedCache verified = new BoundedCache(VERIFIED_CACHE_SIZE);

  public BasicAuth(String realm, Map<String, PasswordHash> users) {
    this.realm = realm;
    this.users = Map.copyOf(users);
  }

  @Override
  public Decision check(AuthRequest request) {
    Optional<BasicCredentials> credentials = BasicCredentials.parse(request.header("authorization"));
    if (credentials.isEmpty()) {
      return deny("no valid basic credentials");
    }
    BasicCredentials c = credentials.get();
    String cacheKey = fingerprint(c);
    if (verified.contains(cacheKey)) {
      return Decision.allow();
    }
    PasswordHash stored = users.get(c.user());
    boolean matches = (stored != null ? stored : NOBODY).matches(c.password());
    if (stored == null || !matches) {
      return deny("wrong user or password");
    }
    verified.add(cacheKey);
    return Decision.allow();
  }

  private Decision deny(String reason) {
    String challenge = realm == null || realm.isEmpty()
        ? "Basic" : "Basic realm=\"" + realm.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    return Decision.unauthorized(reason, Header.set("WWW-Authenticate", challenge));
  }

  /** A digest of user and password, so the cache holds no password. */
  private static String fingerprint(BasicCredentials c) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(c.user().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      return Base64.getEncoder().encodeToString(sha.digest(c.password()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  int cachedEntries() {
    return verified.size();
  }
}
