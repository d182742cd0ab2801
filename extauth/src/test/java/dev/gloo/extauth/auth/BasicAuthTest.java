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
  void anOversizedHeaderIsRefusedBeforeItIsDecoded() {
    // Valid credentials once stripped, but over the cap: refused without being read.
    String padded = basic("test:test123") + " ".repeat(BasicCredentials.MAX_HEADER_LENGTH);
    assertEquals(401, auth.check(withAuthorization(padded)).status());
  }

  @Test
  void aFloodOfHugeWrongPasswordsCostsBoundedWork() {
    // Uncapped, apr1 over a 1 MB password is ~2 GB of MD5 per request; capped it is nothing.
    String huge = basic("test:" + "x".repeat(1 << 20));
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      assertEquals(401, auth.check(withAuthorization(huge)).status());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 5_000, "50 huge wrong passwords took " + millis + " ms");
  }
}
