package dev.gloo.extauth.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.extauth.auth.ApiKeyAuth;
import dev.gloo.extauth.auth.AuthChain;
import dev.gloo.extauth.auth.AuthCheck;
import dev.gloo.extauth.auth.BasicAuth;
import dev.gloo.extauth.auth.JwtAuth;
import dev.gloo.extauth.auth.PasswordHash;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an AuthConfig ({@code enterprise.gloo.solo.io/v1}, Gloo's field names) and the Secrets
 * it may reference into an {@link AuthCheck}. A pure function: same inputs, same check.
 *
 * <p>Anything this service does not enforce (oauth flows, ldap, opa, plugins, ...) is an error,
 * never ignored: an ignored config would let requests through that the user meant to stop.
 */
public final class AuthConfigCompiler {
  /** Gloo's Secret entry holding the key; the Secret's other entries are the key's metadata. */
  public static final String API_KEY_ENTRY = "api-key";
  private static final Set<String> UNSUPPORTED = Set.of("oauth", "ldap", "ldapInternal", "opaAuth", "opaServerAuth",
      "pluginAuth", "passThroughAuth", "hmacAuth", "portalAuth");

  /**
   * @param secrets every Secret, keyed {@code namespace/name}
   */
  public AuthCheck compile(JsonNode authConfig, Map<String, JsonNode> secrets) throws ConfigError {
    String namespace = authConfig.path("metadata").path("namespace").asText("");
    JsonNode spec = authConfig.path("spec");
    JsonNode configs = spec.path("configs");
    if (!configs.isArray() || configs.isEmpty()) {
      throw new ConfigError("spec.configs: at least one config is required");
    }
    List<AuthChain.Step> steps = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      JsonNode c = configs.get(i);
      String field = "spec.configs[" + i + "]";
      String name = c.path("name").isTextual() && !c.path("name").asText().isEmpty()
          ? c.path("name").asText() : "config_" + i;
      steps.add(new AuthChain.Step(name, step(field, c, namespace, secrets)));
    }
    JsonNode expr = spec.path("booleanExpr");
    try {
      return new AuthChain(steps, expr.isTextual() ? Optional.of(expr.asText()) : Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new ConfigError("spec: " + e.getMessage());
    }
  }

  private AuthCheck step(String field, JsonNode c, String namespace, Map<String, JsonNode> secrets) throws ConfigError {
    List<String> types = new ArrayList<>();
    c.fieldNames().forEachRemaining(f -> {
      if (!f.equals("name")) {
        types.add(f);
      }
    });
    if (types.size() != 1) {
      throw new ConfigError(field + ": exactly one auth type is required, found " + types);
    }
    String type = types.get(0);
    JsonNode body = c.path(type);
    try {
      switch (type) {
        case "basicAuth":
          return basicAuth(field + ".basicAuth", body);
        case "apiKeyAuth":
          return apiKeyAuth(field + ".apiKeyAuth", body, namespace, secrets);
        case "oauth2":
          return jwt(field + ".oauth2", body);
        case "jwt":
          throw new ConfigError(field + ".jwt: the placeholder for Envoy's JWT filter is not supported; "
              + "validate tokens with oauth2.accessTokenValidation.jwt");
        default:
          throw new ConfigError(field + "." + type + ": "
              + (UNSUPPORTED.contains(type) ? "not supported by gloo-extauth" : "unknown auth type"));
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigError(field + "." + type + ": " + e.getMessage());
    }
  }

  private static AuthCheck basicAuth(String field, JsonNode b) throws ConfigError {
    String realm = b.path("realm").asText("");
    boolean legacy = b.has("apr");
    boolean typed = b.has("encryption") || b.has("userList");
    if (legacy == typed) {
      throw new ConfigError(field + ": set either apr, or encryption with userList");
    }
    Map<String, PasswordHash> users = new LinkedHashMap<>();
    if (legacy) {
      for (Map.Entry<String, JsonNode> u : entries(b.path("apr").path("users"))) {
        users.put(u.getKey(), new PasswordHash.Apr(required(field + ".apr.users." + u.getKey(), u.getValue(), "salt"),
            required(field + ".apr.users." + u.getKey(), u.getValue(), "hashedPassword")));
      }
    } else {
      JsonNode enc = b.path("encryption");
      boolean apr = enc.has("apr");
      if (apr == enc.has("sha1")) {
        throw new ConfigError(field + ".encryption: set exactly one of apr, sha1");
      }
      for (Map.Entry<String, JsonNode> u : entries(b.path("userList").path("users"))) {
        String f = field + ".userList.users." + u.getKey();
        String salt = required(f, u.getValue(), "salt");
        String hash = required(f, u.getValue(), "hashedPassword");
        users.put(u.getKey(), apr ? new PasswordHash.Apr(salt, hash) : new PasswordHash.Sha1(salt, hash));
      }
    }
    if (users.isEmpty()) {
      throw new ConfigError(field + ": no users");
    }
    return new BasicAuth(realm, users);
  }

  private static AuthCheck apiKeyAuth(String field, JsonNode a, String namespace, Map<String, JsonNode> secrets)
      throws ConfigError {
    for (String f : List.of("aerospikeApikeyStorage", "hmac", "digest")) {
      if (a.has(f)) {
        throw new ConfigError(field + "." + f + ": not supported by gloo-extauth");
      }
    }
    // K8sSecretApiKeyStorage supersedes the deprecated top-level fields, as in Gloo.
    JsonNode storage = a.has("k8sSecretApikeyStorage") ? a.path("k8sSecretApikeyStorage") : a;
    String storageField = a.has("k8sSecretApikeyStorage") ? field + ".k8sSecretApikeyStorage" : field;
    Map<String, JsonNode> selected = new LinkedHashMap<>();
    JsonNode refs = storage.path("apiKeySecretRefs");
    for (int i = 0; i < refs.size(); i++) {
      JsonNode ref = refs.get(i);
      String ns = ref.path("namespace").asText("").isEmpty() ? namespace : ref.path("namespace").asText();
      String key = ns + "/" + ref.path("name").asText("");
      JsonNode secret = secrets.get(key);
      if (secret == null) {
        throw new ConfigError(storageField + ".apiKeySecretRefs[" + i + "]: secret " + key + " not found");
      }
      if (!secret.path("data").has(API_KEY_ENTRY)) {
        throw new ConfigError(storageField + ".apiKeySecretRefs[" + i + "]: secret " + key + " has no '"
            + API_KEY_ENTRY + "' entry");
      }
      selected.put(key, secret);
    }
    Map<String, String> selector = new LinkedHashMap<>();
    entries(storage.path("labelSelector")).forEach(e -> selector.put(e.getKey(), e.getValue().asText()));
    if (!selector.isEmpty()) {
      for (Map.Entry<String, JsonNode> s : secrets.entrySet()) {
        if (labelsMatch(s.getValue().path("metadata").path("labels"), selector)
            && s.getValue().path("data").has(API_KEY_ENTRY)) {
          selected.put(s.getKey(), s.getValue());
        }
      }
    }
    if (refs.isEmpty() && selector.isEmpty()) {
      throw new ConfigError(storageField + ": set apiKeySecretRefs or labelSelector");
    }
    List<ApiKeyAuth.ApiKey> keys = new ArrayList<>();
    for (Map.Entry<String, JsonNode> s : selected.entrySet()) {
      Map<String, String> metadata = new LinkedHashMap<>();
      byte[] key = null;
      for (Map.Entry<String, JsonNode> d : entries(s.getValue().path("data"))) {
        byte[] value = decode(field, s.getKey(), d.getKey(), d.getValue().asText(""));
        if (d.getKey().equals(API_KEY_ENTRY)) {
          key = value;
        } else {
          metadata.put(d.getKey(), utf8(field, s.getKey(), d.getKey(), value));
        }
      }
      if (key == null || key.length == 0) {
        throw new ConfigError(field + ": secret " + s.getKey() + " has an empty '" + API_KEY_ENTRY + "' entry");
      }
      keys.add(new ApiKeyAuth.ApiKey(s.getKey(), key, metadata));
    }
    List<ApiKeyAuth.MetadataHeader> headers = new ArrayList<>();
    for (String f : List.of("headersFromMetadataEntry", "headersFromMetadata")) {
      for (Map.Entry<String, JsonNode> h : entries(a.path(f))) {
        String name = required(field + "." + f + "." + h.getKey(), h.getValue(), "name");
        headers.add(new ApiKeyAuth.MetadataHeader(h.getKey(), name, h.getValue().path("required").asBoolean(false)));
      }
    }
    String header = a.path("headerName").asText("");
    return new ApiKeyAuth(header.isEmpty() ? ApiKeyAuth.DEFAULT_HEADER : header, keys, headers);
  }

  private static AuthCheck jwt(String field, JsonNode o) throws ConfigError {
    if (!o.has("accessTokenValidation")) {
      throw new ConfigError(field + ": only accessTokenValidation with jwt is supported by gloo-extauth");
    }
    JsonNode v = o.path("accessTokenValidation");
    String vField = field + ".accessTokenValidation";
    if (!v.has("jwt")) {
      throw new ConfigError(vField + ": only jwt validation is supported by gloo-extauth (not introspection)");
    }
    JsonNode j = v.path("jwt");
    if (j.has("remoteJwks")) {
      throw new ConfigError(vField + ".jwt.remoteJwks: not supported by gloo-extauth; use localJwks");
    }
    String jwks = j.path("localJwks").path("inlineString").asText("");
    if (jwks.isEmpty()) {
      throw new ConfigError(vField + ".jwt.localJwks.inlineString: required");
    }
    List<String> audiences = new ArrayList<>();
    j.path("audiences").forEach(x -> audiences.add(x.asText()));
    List<String> scopes = new ArrayList<>();
    v.path("requiredScopes").path("scope").forEach(x -> scopes.add(x.asText()));
    List<JwtAuth.ClaimHeader> claims = new ArrayList<>();
    JsonNode c = v.path("claimsToHeaders");
    for (int i = 0; i < c.size(); i++) {
      claims.add(new JwtAuth.ClaimHeader(required(vField + ".claimsToHeaders[" + i + "]", c.get(i), "claim"),
          required(vField + ".claimsToHeaders[" + i + "]", c.get(i), "header"), c.get(i).path("append").asBoolean(false)));
    }
    try {
      return new JwtAuth(jwks, j.path("issuer").asText(""), audiences, scopes, claims);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(vField + ".jwt.localJwks: " + e.getMessage());
    }
  }

  private static boolean labelsMatch(JsonNode labels, Map<String, String> selector) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static String required(String field, JsonNode node, String name) throws ConfigError {
    String v = node.path(name).asText("");
    if (v.isEmpty()) {
      throw new ConfigError(field + "." + name + ": required");
    }
    return v;
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode object) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static byte[] decode(String field, String secret, String entry, String base64) throws ConfigError {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(field + ": secret " + secret + " entry " + entry + " is not base64");
    }
  }

  private static String utf8(String field, String secret, String entry, byte[] value) throws ConfigError {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigError(field + ": secret " + secret + " entry " + entry + " is not UTF-8 text");
    }
  }
}
