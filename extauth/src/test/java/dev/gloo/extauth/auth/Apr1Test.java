package dev.gloo.extauth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Apr1Test {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void matchesTheIssuesTestVector() {
    assertEquals("NLFTUNkXaht0g/2GJjUM51", Apr1.hash(b("test123"), "n28wuo5p"));
  }

  @Test
  void matchesHtpasswdOutputFromGloosDocs() {
    // htpasswd -nbm user password -> user:$apr1$TYiryv0/$8BvzLUO9IfGPGGsPnAgSu1
    assertEquals("8BvzLUO9IfGPGGsPnAgSu1", Apr1.hash(b("password"), "TYiryv0/"));
  }

  @Test
  void anyOtherPasswordOrSaltGivesAnotherHash() {
    assertNotEquals("NLFTUNkXaht0g/2GJjUM51", Apr1.hash(b("test124"), "n28wuo5p"));
    assertNotEquals("NLFTUNkXaht0g/2GJjUM51", Apr1.hash(b("test123 "), "n28wuo5p"));
    assertNotEquals("NLFTUNkXaht0g/2GJjUM51", Apr1.hash(b(""), "n28wuo5p"));
    assertNotEquals("NLFTUNkXaht0g/2GJjUM51", Apr1.hash(b("test123"), "n28wuo5q"));
  }

  @Test
  void onlyTheFirstEightSaltCharactersCount() {
    assertEquals(Apr1.hash(b("test123"), "n28wuo5p"), Apr1.hash(b("test123"), "n28wuo5pEXTRA"));
  }

  @Test
  void passwordHashAprComparesTheStoredHash() {
    PasswordHash h = new PasswordHash.Apr("n28wuo5p", "NLFTUNkXaht0g/2GJjUM51");
    assertTrue(h.matches(b("test123")));
    assertFalse(h.matches(b("test12")));
    assertFalse(h.matches(b("TEST123")));
  }

  @Test
  void passwordHashSha1IsHexOfSaltThenPassword() {
    // printf 'saltpassword' | sha1sum
    PasswordHash h = new PasswordHash.Sha1("salt", "59B3E8D637CF97EDBE2384CF59CB7453DFE30789");
    assertTrue(h.matches(b("password")));
    assertFalse(h.matches(b("Password")));
  }
}
