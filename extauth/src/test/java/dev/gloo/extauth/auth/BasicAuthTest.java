package dev.gloo.extauth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicAuthTest {
  private final BasicAuth auth = new BasicAuth("gloo", Map.of("test", new PasswordHash.Apr("n28wuo5p", "NLFTUNkXaht0g/2GJjUM51")));

  static AuthRequest withAuthorization(String value) {
    return new AuthRequest("GET", "api.example.com", "/", value == null ? Map.of() : Map.of("authorization", value));
  }

  static String basic(String userColonPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTestVectorUserIsAllowed() {
    Decision d = auth.check(withAuthorization(basic("test:test123")));
    assertTrue(d.allowed(), d.toString());
  }

  @Test
  void anyOtherPasswordIsDeniedWith401AndTheRealm() {
    for (String creds : List.of("test:test1234", "test:", "test:Test123", "test:test123 ", "other:test123", ":test123")) {
      Decision d = auth.check(withAuthorization(basic(creds)));
      assertEquals(401, d.status(), creds);
      assertEquals(List.of(Header.set("WWW-Authenticate", "Basic realm=\"gloo\"")), d.headers(), creds);
    }
  }

  @Test
  void missingOrOtherSchemeIsDenied() {
    assertEquals(401, auth.check(withAuthorization(null)).status());
    assertEquals(401, auth.check(withAuthorization("Bearer abc")).status());
    assertTrue(auth.check(withAuthorization("basic " + basic("test:test123").substring(6))).allowed(),
        "the scheme is case-insensitive");
  }

  @Test
  void theDenialReasonNeverCarriesThePassword() {
    Decision d = auth.check(withAuthorization(basic("test:hunter2-secret")));
    assertTrue(!d.reason().contains("hunter2"), d.reason());
  }

  @Test
  void verifiedPasswordsAreCachedButWrongOnesNeverAre() {
    for (int i = 0; i < 200; i++) {
      auth.check(withAuthorization(basic("test:wrong" + i)));
    }
    assertEquals(0, auth.cachedEntries());
    auth.check(withAuthorization(basic("test:test123")));
    assertEquals(1, auth.cachedEntries());
    assertTrue(auth.check(withAuthorization(basic("test:test123"))).allowed());
  }

  @Test
  void theCacheIsBounded() {
    BoundedCache c = new BoundedCache(3);
    for (int i = 0; i < 10; i++) {
      c.add("k" + i);
    }
    assertEquals(3, c.size());
    assertTrue(c.contains("k9") && !c.contains("k0"));
  }

  @Test
  void aFloodOfWrongPasswordsCostsBoundedTimeEach() {
    // The header cap bounds apr1's input: even the longest accepted password hashes quickly.
    String longest = "test:" + "x".repeat((BasicCredentials.MAX_HEADER_LENGTH - 6) / 4 * 3 - 5);
    assertTrue(basic(longest).length() <= BasicCredentials.MAX_HEADER_LENGTH, "" + basic(longest).length());
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      assertEquals(401, auth.check(withAuthorization(basic(longest + i % 10))).status());
    }
    long perCheckMicros = (System.nanoTime() - start) / 200 / 1000;
    assertTrue(perCheckMicros < 20_000, "a wrong password took " + perCheckMicros + " µs");
  }
}
