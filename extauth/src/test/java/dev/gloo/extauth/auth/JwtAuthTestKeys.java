package dev.gloo.extauth.auth;

import com.nimbusds.jose.jwk.RSAKey;

/** One RSA key and tokens from it, for tests outside this package. */
public final class JwtAuthTestKeys {
  public static final RSAKey RSA = JwtAuthTest.RSA;

  private JwtAuthTestKeys() {}

  public static String jwks() {
    return JwtAuthTest.jwks(RSA);
  }

  /** A token for {@code subject} from issuer https://issuer.example for audience api, valid 10 minutes. */
  public static String token(String subject) {
    return JwtAuthTest.token(RSA, JwtAuthTest.claims().subject(subject).build());
  }
}
