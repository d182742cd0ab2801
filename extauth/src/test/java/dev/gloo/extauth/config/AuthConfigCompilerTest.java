package dev.gloo.extauth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gloo.extauth.auth.AuthCheck;
import dev.gloo.extauth.auth.AuthRequest;
import dev.gloo.extauth.auth.Decision;
import dev.gloo.extauth.auth.Header;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AuthConfigs in Gloo's own YAML, compiled and run. */
class AuthConfigCompilerTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final AuthConfigCompiler compiler = new AuthConfigCompiler();
  private final Map<String, JsonNode> secrets = new LinkedHashMap<>();

  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A Secret as the control nodes serve it (stringData already folded into base64 data). */
  static JsonNode apiKeySecret(String ns, String name, String key, Map<String, String> labels, Map<String, String> metadata) {
    var s = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Secret").put("type", "extauth.solo.io/apikey");
    var md = s.putObject("metadata").put("name", name).put("namespace", ns);
    labels.forEach((k, v) -> md.with("labels").put(k, v));
    var data = s.putObject("data").put("api-key", b64(key));
    metadata.forEach((k, v) -> data.put(k, b64(v)));
    return s;
  }

  private static AuthRequest headers(Map<String, String> h) {
    return new AuthRequest("GET", "api.example.com", "/get", h);
  }

  private static String basic(String up) {
    return "Basic " + b64(up);
  }

  @Test
  void basicAuthAprFromGloosYaml() throws Exception {
    AuthCheck check = compiler.compile(yaml("""
        apiVersion: enterprise.gloo.solo.io/v1
        kind: AuthConfig
        metadata: {name: basic-auth, namespace: gloo-system}
        spec:
          configs:
          - basicAuth:
              realm: gloo
              apr:
                users:
                  test: {salt: n28wuo5p, hashedPassword: NLFTUNkXaht0g/2GJjUM51}
        """), secrets);
    assertTrue(check.check(headers(Map.of("authorization", basic("test:test123")))).allowed());
    Decision d = check.check(headers(Map.of("authorization", basic("test:nope"))));
    assertEquals(401, d.status());
    assertEquals(List.of(Header.set("WWW-Authenticate", "Basic realm=\"gloo\"")), d.headers());
  }

  @Test
  void basicAuthEncryptionAndUserListForms() throws Exception {
    AuthCheck apr = compiler.compile(yaml("""
        metadata: {name: b, namespace: ns}
        spec:
          configs:
          - basicAuth:
              encryption: {apr: {}}
              userList: {users: {test: {salt: n28wuo5p, hashedPassword: NLFTUNkXaht0g/2GJjUM51}}}
        """), secrets);
    assertTrue(apr.check(headers(Map.of("authorization", basic("test:test123")))).allowed());
    AuthCheck sha1 = compiler.compile(yaml("""
        metadata: {name: b, namespace: ns}
        spec:
          configs:
          - basicAuth:
              encryption: {sha1: {}}
              userList: {users: {bob: {salt: salt, hashedPassword: 59b3e8d637cf97edbe2384cf59cb7453dfe30789}}}
        """), secrets);
    assertTrue(sha1.check(headers(Map.of("authorization", basic("bob:password")))).allowed());
    assertEquals(401, sha1.check(headers(Map.of("authorization", basic("bob:passwore")))).status());
  }

  @Test
  void apiKeysFromSecretRefsAndLabelsWithMetadataHeaders() throws Exception {
    secrets.put("gloo-system/alice", apiKeySecret("gloo-system", "alice", "key-alice", Map.of("team", "infra"),
        Map.of("user-id", "alice", "email", "alice@example.com")));
    secrets.put("apps/bob", apiKeySecret("apps", "bob", "key-bob", Map.of("team", "infra"), Map.of()));
    secrets.put("apps/carol", apiKeySecret("apps", "carol", "key-carol", Map.of("team", "other"), Map.of()));
    AuthCheck check = compiler.compile(yaml("""
        metadata: {name: keys, namespace: gloo-system}
        spec:
          configs:
          - apiKeyAuth:
              headerName: X-Api-Key
              labelSelector: {team: infra}
              headersFromMetadataEntry:
                x-user-id: {name: user-id}
                x-email: {name: email}
        """), secrets);
    Decision alice = check.check(headers(Map.of("x-api-key", "key-alice")));
    assertTrue(alice.allowed(), alice.reason());
    assertEquals(List.of(Header.set("x-user-id", "alice"), Header.set("x-email", "alice@example.com")), alice.headers());
    Decision bob = check.check(headers(Map.of("x-api-key", "key-bob")));
    assertTrue(bob.allowed());
    assertEquals(List.of("x-user-id", "x-email"), bob.removeUpstream(), "a client cannot smuggle identity headers");
    assertEquals(401, check.check(headers(Map.of("x-api-key", "key-carol"))).status(), "carol's label differs");
    assertEquals(401, check.check(headers(Map.of("x-api-key", "key-alicf"))).status());
    assertEquals(401, check.check(headers(Map.of("api-key", "key-alice"))).status(), "wrong header");
    assertEquals(401, check.check(headers(Map.of())).status());

    AuthCheck byRef = compiler.compile(yaml("""
        metadata: {name: keys, namespace: apps}
        spec:
          configs:
          - apiKeyAuth:
              apiKeySecretRefs: [{name: carol}]
              headersFromMetadataEntry: {x-user-id: {name: user-id, required: true}}
        """), secrets);
    Decision carol = byRef.check(headers(Map.of("api-key", "key-carol")));
    assertEquals(401, carol.status(), "required metadata is missing: " + carol.reason());
    assertEquals(401, byRef.check(headers(Map.of("api-key", "key-alice"))).status(), "not referenced");
  }

  @Test
  void k8sSecretApikeyStorageIsTheCurrentForm() throws Exception {
    secrets.put("apps/bob", apiKeySecret("apps", "bob", "key-bob", Map.of(), Map.of()));
    AuthCheck check = compiler.compile(yaml("""
        metadata: {name: keys, namespace: other}
        spec:
          configs:
          - apiKeyAuth:
              k8sSecretApikeyStorage:
                apiKeySecretRefs: [{name: bob, namespace: apps}]
        """), secrets);
    assertTrue(check.check(headers(Map.of("api-key", "key-bob"))).allowed());
  }

  @Test
  void jwtThroughOauth2AccessTokenValidation() throws Exception {
    var key = dev.gloo.extauth.auth.JwtAuthTestKeys.RSA;
    JsonNode ac = yaml("""
        metadata: {name: jwt, namespace: ns}
        spec:
          configs:
          - oauth2:
              accessTokenValidation:
                jwt:
                  issuer: https://issuer.example
                  audiences: [api]
                  localJwks: {inlineString: 'JWKS'}
                claimsToHeaders:
                - {claim: sub, header: x-sub}
        """.replace("JWKS", dev.gloo.extauth.auth.JwtAuthTestKeys.jwks()));
    AuthCheck check = compiler.compile(ac, secrets);
    Decision d = check.check(headers(Map.of("authorization", "Bearer " + dev.gloo.extauth.auth.JwtAuthTestKeys.token("alice"))));
    assertTrue(d.allowed(), d.reason());
    assertEquals(List.of(Header.set("x-sub", "alice")), d.headers());
    assertEquals(401, check.check(headers(Map.of("authorization", "Bearer x.y.z"))).status());
    assertTrue(key != null);
  }

  @Test
  void booleanExprCombinesNamedConfigs() throws Exception {
    secrets.put("ns/k", apiKeySecret("ns", "k", "the-key", Map.of(), Map.of()));
    AuthCheck check = compiler.compile(yaml("""
        metadata: {name: either, namespace: ns}
        spec:
          booleanExpr: basic || key
          configs:
          - name: basic
            basicAuth: {apr: {users: {test: {salt: n28wuo5p, hashedPassword: NLFTUNkXaht0g/2GJjUM51}}}}
          - name: key
            apiKeyAuth: {apiKeySecretRefs: [{name: k}]}
        """), secrets);
    assertTrue(check.check(headers(Map.of("authorization", basic("test:test123")))).allowed());
    assertTrue(check.check(headers(Map.of("api-key", "the-key"))).allowed());
    assertEquals(401, check.check(headers(Map.of("api-key", "nope"))).status());
  }

  @Test
  void whatCannotBeEnforcedIsAnErrorNamingTheField() {
    Map<String, String> cases = Map.of(
        "spec: {configs: []}", "spec.configs: at least one config is required",
        "spec: {configs: [{ldap: {address: x}}]}", "spec.configs[0].ldap: not supported by gloo-extauth",
        "spec: {configs: [{jwt: {}}]}", "spec.configs[0].jwt: the placeholder for Envoy's JWT filter is not supported; "
            + "validate tokens with oauth2.accessTokenValidation.jwt",
        "spec: {configs: [{basicAuth: {apr: {users: {u: {salt: s}}}}}]}",
            "spec.configs[0].basicAuth.apr.users.u.hashedPassword: required",
        "spec: {configs: [{apiKeyAuth: {apiKeySecretRefs: [{name: missing}]}}]}",
            "spec.configs[0].apiKeyAuth.apiKeySecretRefs[0]: secret ns/missing not found",
        "spec: {configs: [{oauth2: {accessTokenValidation: {jwt: {remoteJwks: {url: 'https://x'}}}}}]}",
            "spec.configs[0].oauth2.accessTokenValidation.jwt.remoteJwks: not supported by gloo-extauth; use localJwks",
        "spec: {booleanExpr: 'a && b', configs: [{name: a, basicAuth: {apr: {users: {u: {salt: s, hashedPassword: h}}}}}]}",
            "spec: booleanExpr names b, which is not a config (configs: [a])",
        "spec: {configs: [{oauth2: {accessTokenValidation: {jwt: {localJwks: {inlineString: 'nope'}}}}}]}",
            "spec.configs[0].oauth2.accessTokenValidation.jwt.localJwks: the JWKS does not parse: Invalid JSON object");
    cases.forEach((spec, message) -> {
      ConfigError e = assertThrows(ConfigError.class,
          () -> compiler.compile(yaml("metadata: {name: x, namespace: ns}\n" + spec), secrets), spec);
      assertEquals(message, e.getMessage(), spec);
    });
  }

  @Test
  void twoSecretsWithTheSameKeyAreAnError() {
    secrets.put("ns/a", apiKeySecret("ns", "a", "same", Map.of("k", "v"), Map.of()));
    secrets.put("ns/b", apiKeySecret("ns", "b", "same", Map.of("k", "v"), Map.of()));
    ConfigError e = assertThrows(ConfigError.class, () -> compiler.compile(yaml("""
        metadata: {name: x, namespace: ns}
        spec: {configs: [{apiKeyAuth: {labelSelector: {k: v}}}]}
        """), secrets));
    assertEquals("spec.configs[0].apiKeyAuth: secrets ns/a and ns/b hold the same API key", e.getMessage());
  }
}
