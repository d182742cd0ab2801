package dev.gloo.extauth.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gloo's {@code oauth2.accessTokenValidation} with {@code jwt}: a bearer token whose signature
 * verifies against the JWKS, whose {@code iss} is the issuer (when one is set), one of whose
 * audiences is accepted (when some are set), which is not expired, and which carries the
 * required scopes. Claims can be forwarded as headers ({@code claimsToHeaders}).
 *
 * <p>Signatures and claims are checked by nimbus-jose-jwt. The accepted algorithms follow the
 * key types in the JWKS, and the library only pairs an algorithm with keys of its type, so an
 * RSA public key can never be used as an HMAC secret.
 */
public final class JwtAuth implements AuthCheck {
  /** Bounds parsing and verification work per request. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Forward claim {@code claim} as header {@code header}. */
  public record ClaimHeader(String claim, String header, boolean append) {}

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final List<String> requiredScopes;
  private final List<ClaimHeader> claimHeaders;

  /**
   * @throws IllegalArgumentException for a JWKS that does not parse or has no usable key
   */
  public JwtAuth(String jwks, String issuer, List<String> audiences, List<String> requiredScopes,
      List<ClaimHeader> claimHeaders) {
    JWKSet set;
    try {
      set = JWKSet.parse(jwks);
    } catch (ParseException e) {
      throw new IllegalArgumentException("the JWKS does not parse: " + e.getMessage());
    }
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (JWK k : set.getKeys()) {
      if (k.getAlgorithm() != null) {
        algorithms.add(JWSAlgorithm.parse(k.getAlgorithm().getName()));
      } else if (KeyType.RSA.equals(k.getKeyType())) {
        algorithms.addAll(JWSAlgorithm.Family.RSA);
      } else if (KeyType.EC.equals(k.getKeyType())) {
        algorithms.addAll(JWSAlgorithm.Family.EC);
      } else if (KeyType.OCT.equals(k.getKeyType())) {
        algorithms.addAll(JWSAlgorithm.Family.HMAC_SHA);
      }
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("the JWKS has no RSA, EC or symmetric key");
    }
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(set)));
    JWTClaimsSet exact = issuer == null || issuer.isEmpty()
        ? new JWTClaimsSet.Builder().build() : new JWTClaimsSet.Builder().issuer(issuer).build();
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
        audiences.isEmpty() ? null : new HashSet<>(audiences), exact, Set.of(), null));
    this.requiredScopes = List.copyOf(requiredScopes);
    this.claimHeaders = List.copyOf(claimHeaders);
  }

  @Override
  public Decision check(AuthRequest request) {
    Optional<String> token = bearer(request.header("authorization"));
    if (token.isEmpty()) {
      return Decision.unauthorized("no bearer token", Header.set("WWW-Authenticate", "Bearer"));
    }
    if (token.get().length() > MAX_TOKEN_LENGTH) {
      return invalid("token longer than " + MAX_TOKEN_LENGTH);
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token.get(), null);
    } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
      // nimbus reports the cause (expired, wrong issuer, bad signature) without the token.
      return invalid(e.getMessage());
    }
    if (!requiredScopes.isEmpty()) {
      Object scope = claims.getClaim("scope");
      Set<String> granted = scope instanceof String s ? Set.of(s.trim().split("\\s+")) : Set.of();
      if (!granted.containsAll(requiredScopes)) {
        return Decision.forbidden("token lacks a required scope",
            Header.set("WWW-Authenticate", "Bearer error=\"insufficient_scope\""));
      }
    }
    List<Header> headers = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (ClaimHeader h : claimHeaders) {
      Object value = claims.getClaim(h.claim());
      if (value != null) {
        headers.add(new Header(h.header(), render(value), h.append()));
      } else if (!h.append()) {
        remove.add(h.header());
      }
    }
    return Decision.allow(headers, remove);
  }

  private static Decision invalid(String reason) {
    return Decision.unauthorized("invalid token: " + reason,
        Header.set("WWW-Authenticate", "Bearer error=\"invalid_token\""));
  }

  private static Optional<String> bearer(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return Optional.empty();
    }
    String v = authorization.get().strip();
    int space = v.indexOf(' ');
    if (space < 0 || !v.substring(0, space).equalsIgnoreCase("Bearer")) {
      return Optional.empty();
    }
    String token = v.substring(space + 1).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Strings as they are; other claim values as JSON. */
  private static String render(Object value) {
    if (value instanceof String s) {
      return s;
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }
}
