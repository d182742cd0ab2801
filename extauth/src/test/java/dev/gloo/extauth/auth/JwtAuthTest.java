package dev.gloo.extauth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtAuthTest {
  static final RSAKey RSA = generate("k1");
  static final RSAKey OTHER = generate("k2");
  static final String ISSUER = "https://issuer.example";

  static RSAKey generate(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWKS of {@code key}, as an AuthConfig would inline it. */
  static String jwks(RSAKey key) {
    return new JWKSet(key.toPublicJWK()).toString();
  }

  static JwtAuth jwt(RSAKey key, String issuer, List<String> audiences, List<JwtAuth.ClaimHeader> claims) {
    return new JwtAuth(jwks(key), issuer, audiences, List.of(), claims);
  }

  static String token(RSAKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("api")
        .expirationTime(new Date(System.currentTimeMillis() + 600_000));
  }

  static AuthRequest bearer(String token) {
    return new AuthRequest("GET", "h", "/", Map.of("authorization", "Bearer " + token));
  }

  private final JwtAuth auth = new JwtAuth(jwks(RSA), ISSUER, List.of("api", "other-api"), List.of(),
      List.of(new JwtAuth.ClaimHeader("sub", "x-user", false), new JwtAuth.ClaimHeader("groups", "x-groups", true),
          new JwtAuth.ClaimHeader("email", "x-email", false)));

  @Test
  void aValidTokenIsAllowedAndClaimsBecomeHeaders() {
    Decision d = auth.check(bearer(token(RSA, claims().claim("groups", List.of("a", "b")).build())));
    assertTrue(d.allowed(), d.reason());
    assertEquals(List.of(Header.set("x-user", "alice"), new Header("x-groups", "[\"a\",\"b\"]", true)), d.headers());
    // A client-sent x-email must not reach the upstream as if the token had said it.
    assertEquals(List.of("x-email"), d.removeUpstream());
  }

  @Test
  void wrongIssuerAudienceExpiryOrKeyIsA401InvalidToken() {
    Map<String, String> cases = Map.of(
        "issuer", token(RSA, claims().issuer("https://evil.example").build()),
        "audience", token(RSA, claims().audience("someone-else").build()),
        "expired", token(RSA, claims().expirationTime(new Date(System.currentTimeMillis() - 600_000)).build()),
        "other key", token(OTHER, claims().build()),
        "tampered", tamper(token(RSA, claims().build())));
    cases.forEach((what, token) -> {
      Decision d = auth.check(bearer(token));
      assertEquals(401, d.status(), what + ": " + d.reason());
      assertEquals(List.of(Header.set("WWW-Authenticate", "Bearer error=\"invalid_token\"")), d.headers(), what);
    });
  }

  @Test
  void aMissingTokenIsA401BearerChallenge() {
    Decision d = auth.check(new AuthRequest("GET", "h", "/", Map.of()));
    assertEquals(401, d.status());
    assertEquals(List.of(Header.set("WWW-Authenticate", "Bearer")), d.headers());
  }

  @Test
  void unsignedAndAlgorithmConfusionTokensAreRefused() throws Exception {
    String payload = claims().build().toString();
    String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
        + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + ".";
    assertEquals(401, auth.check(bearer(none)).status());
    // HS256 "signed" with the RSA public key's bytes, the classic confusion attack.
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
    hs.sign(new MACSigner(RSA.toPublicJWK().toRSAPublicKey().getEncoded()));
    assertEquals(401, auth.check(bearer(hs.serialize())).status());
  }

  @Test
  void missingRequiredScopesIsA403() {
    JwtAuth scoped = new JwtAuth(jwks(RSA), ISSUER, List.of(), List.of("read", "write"), List.of());
    assertTrue(scoped.check(bearer(token(RSA, claims().claim("scope", "write read admin").build()))).allowed());
    Decision d = scoped.check(bearer(token(RSA, claims().claim("scope", "read").build())));
    assertEquals(403, d.status());
    assertEquals(List.of(Header.set("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")), d.headers());
  }

  @Test
  void anEmptyIssuerSkipsTheIssuerCheck() {
    JwtAuth any = new JwtAuth(jwks(RSA), "", List.of(), List.of(), List.of());
    assertTrue(any.check(bearer(token(RSA, claims().issuer("https://anyone.example").build()))).allowed());
  }

  @Test
  void aJwksThatDoesNotParseIsRefusedAtLoad() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new JwtAuth("{not json", ISSUER, List.of(), List.of(), List.of()));
    assertTrue(e.getMessage().startsWith("the JWKS does not parse"), e.getMessage());
  }

  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("alice", "admin");
    return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
        + "." + parts[2];
  }
}
