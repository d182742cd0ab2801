package dev.gloo.extauth.config;

import static dev.gloo.extauth.config.AuthConfigCompilerTest.apiKeySecret;
import static dev.gloo.extauth.config.AuthConfigCompilerTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.extauth.auth.AuthRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the feeds deliver, compiled into snapshots (the feeds themselves are not started). */
class ConfigSourceTest {
  private final ConfigSource source = new ConfigSource(
      new ControlEndpoints(List.of(URI.create("https://127.0.0.1:1")), null, null), new AuthConfigCompiler());

  private static final JsonNode BASIC = yaml("""
      metadata: {name: basic, namespace: ns}
      spec: {configs: [{basicAuth: {apr: {users: {test: {salt: n28wuo5p, hashedPassword: NLFTUNkXaht0g/2GJjUM51}}}}}]}
      """);
  private static final JsonNode KEYS = yaml("""
      metadata: {name: keys, namespace: ns}
      spec: {configs: [{apiKeyAuth: {apiKeySecretRefs: [{name: k}]}}]}
      """);
  private static final JsonNode LDAP = yaml("""
      metadata: {name: ldap, namespace: ns}
      spec: {configs: [{ldap: {address: 'ldap://x'}}]}
      """);

  private static AuthRequest key(String k) {
    return new AuthRequest("GET", "h", "/", Map.of("api-key", k));
  }

  @Test
  void nothingIsCompiledUntilBothCollectionsArrived() {
    source.onAuthConfigs(Map.of("ns/basic", BASIC), 5);
    assertEquals(AuthConfigs.EMPTY, source.current());
    source.onSecrets(Map.of(), 6);
    assertTrue(source.current().get("ns.basic").orElseThrow().check().isPresent());
    assertEquals(6, source.current().revision());
  }

  @Test
  void secretChangesRecompileApiKeyConfigsOnlyAndBrokenConfigsCarryTheirError() {
    source.onSecrets(Map.of("ns/k", apiKeySecret("ns", "k", "key-1", Map.of(), Map.of())), 3);
    source.onAuthConfigs(Map.of("ns/basic", BASIC, "ns/keys", KEYS, "ns/ldap", LDAP), 4);
    AuthConfigs first = source.current();
    assertTrue(first.get("ns.keys").orElseThrow().check().orElseThrow().check(key("key-1")).allowed());
    assertEquals("spec.configs[0].ldap: not supported by gloo-extauth", first.get("ns.ldap").orElseThrow().error().orElseThrow());

    source.onSecrets(Map.of("ns/k", apiKeySecret("ns", "k", "key-2", Map.of(), Map.of())), 9);
    AuthConfigs second = source.current();
    assertEquals(401, second.get("ns.keys").orElseThrow().check().orElseThrow().check(key("key-1")).status());
    assertTrue(second.get("ns.keys").orElseThrow().check().orElseThrow().check(key("key-2")).allowed());
    // Basic auth reads no Secret: the same instance, with its cache of verified passwords, stays.
    assertSame(first.get("ns.basic").orElseThrow().check().orElseThrow(),
        second.get("ns.basic").orElseThrow().check().orElseThrow());

    source.onSecrets(Map.of(), 10);
    assertEquals("spec.configs[0].apiKeyAuth.apiKeySecretRefs[0]: secret ns/k not found",
        source.current().get("ns.keys").orElseThrow().error().orElseThrow());
    source.onAuthConfigs(Map.of("ns/basic", BASIC), 11);
    assertTrue(source.current().get("ns.keys").isEmpty(), "a deleted AuthConfig is gone: its routes fail closed");
  }
}
