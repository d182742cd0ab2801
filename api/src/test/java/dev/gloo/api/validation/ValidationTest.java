package dev.gloo.api.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CRDs' own schemas and CEL rules, applied to objects a user would write. */
class ValidationTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CrdCatalog CATALOG = CrdCatalog.builtIn();
  private final SchemaValidator schemas = new SchemaValidator();
  private final CelRules cel = new CelRules();

  private List<FieldError> validate(String kind, String yaml, String oldYaml) throws Exception {
    JsonNode obj = YAML.readTree(yaml);
    ResourceType t = CATALOG.byKind("gateway.networking.k8s.io", "v1", kind).orElseThrow();
    SchemaDefaults.apply(t.schema().orElseThrow(), obj);
    List<FieldError> errors = new ArrayList<>(schemas.validate(t, obj));
    JsonNode old = null;
    if (oldYaml != null) { // as stored: defaulted when it was written
      old = YAML.readTree(oldYaml);
      SchemaDefaults.apply(t.schema().orElseThrow(), old);
    }
    errors.addAll(cel.validate(t.schema().orElseThrow(), obj, old));
    return errors;
  }

  private static final String GATEWAY = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: http-gateway, namespace: gloo-system}
      spec:
        gatewayClassName: gloo-gateway
        listeners:
        - name: http
          protocol: HTTP
          port: 8080
          allowedRoutes: {namespaces: {from: All}}
      """;

  @Test
  void theWalkthroughGatewayIsValid() throws Exception {
    assertEquals(List.of(), validate("Gateway", GATEWAY, null));
  }

  @Test
  void tlsOnAnHttpListenerIsRefusedWithTheCrdsMessage() throws Exception {
    String bad = GATEWAY.replace("port: 8080", "port: 8080\n    tls: {mode: Terminate, certificateRefs: [{name: cert}]}");
    List<FieldError> errors = validate("Gateway", bad, null);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("spec.listeners", errors.get(0).field());
    assertEquals(FieldError.Reason.FieldValueInvalid, errors.get(0).reason());
    assertEquals("Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
        errors.get(0).message());
  }

  @Test
  void schemaViolationsNameTheFieldAsKubeApiserverDoes() throws Exception {
    String bad = GATEWAY.replace("    protocol: HTTP\n", "").replace("port: 8080", "port: 70000");
    List<FieldError> errors = validate("Gateway", bad, null);
    assertTrue(errors.contains(new FieldError(FieldError.Reason.FieldValueRequired,
        "spec.listeners[0].protocol", "Required value")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.field().equals("spec.listeners[0].port")
        && e.message().contains("less than or equal to 65535")), errors.toString());

    String wrongType = GATEWAY.replace("port: 8080", "port: eighty");
    FieldError typeError = validate("Gateway", wrongType, null).stream()
        .filter(e -> e.reason() == FieldError.Reason.FieldValueTypeInvalid).findFirst().orElseThrow();
    assertEquals("spec.listeners[0].port", typeError.field());
    assertEquals("Invalid value: \"string\": spec.listeners[0].port in body must be of type integer: \"string\"",
        typeError.message());
  }

  private static final String ROUTE = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: httpbin, namespace: default}
      spec:
        parentRefs: [{name: http-gateway, namespace: gloo-system}]
        hostnames: [api.example.com]
        rules:
        - matches: [{path: {type: PathPrefix, value: /}}]
          filters: FILTERS
          backendRefs: [{name: httpbin, port: 8000}]
      """;

  @Test
  void redirectAndRewriteInOneRuleAreRefusedWithTheCrdsMessage() throws Exception {
    assertEquals(List.of(), validate("HTTPRoute", ROUTE.replace("FILTERS", "[]"), null));
    String both = ROUTE.replace("FILTERS", "[{type: RequestRedirect, requestRedirect: {scheme: https}},"
        + " {type: URLRewrite, urlRewrite: {hostname: example.org}}]");
    List<FieldError> errors = validate("HTTPRoute", both, null);
    assertTrue(errors.stream().anyMatch(e -> e.field().equals("spec.rules[0].filters")
        && e.message().endsWith("May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both")),
        errors.toString());
  }

  @Test
  void anUnchangedPartIsNotJudgedAgainOnUpdateButAChangedOneIs() throws Exception {
    String both = ROUTE.replace("FILTERS", "[{type: RequestRedirect, requestRedirect: {statusCode: 301}},"
        + " {type: URLRewrite, urlRewrite: {hostname: example.com}}]");
    assertFalse(validate("HTTPRoute", both, null).isEmpty(), "refused on create");
    String relabeled = both.replace("metadata: {", "metadata: {labels: {team: a}, ");
    assertEquals(List.of(), validate("HTTPRoute", relabeled, both), "stored so, left so");
    String otherHost = both.replace("hostname: example.com", "hostname: other.example.com");
    assertFalse(validate("HTTPRoute", otherHost, both).isEmpty(), "changed, so judged");
  }

  @Test
  void aPathThatDoesNotStartWithSlashIsRefused() throws Exception {
    String bad = ROUTE.replace("FILTERS", "[]").replace("value: /}", "value: api}");
    List<FieldError> errors = validate("HTTPRoute", bad, null);
    assertTrue(errors.stream().anyMatch(e -> e.field().equals("spec.rules[0].matches[0].path")
        && e.message().contains("value must be an absolute path")), errors.toString());
  }

  @Test
  void aPathWithCharactersOutsideTheCrdsPatternIsRefusedAndAValidOneIsNot() throws Exception {
    String bad = ROUTE.replace("FILTERS", "[]").replace("value: /}", "value: /a b}");
    for (int i = 0; i < 3; i++) { // the compiled pattern is reused: same verdict every time
      List<FieldError> errors = validate("HTTPRoute", bad, null);
      assertTrue(errors.stream().anyMatch(e -> e.field().equals("spec.rules[0].matches[0].path")
          && e.message().contains("must only contain valid characters")), errors.toString());
      assertEquals(List.of(), validate("HTTPRoute", ROUTE.replace("FILTERS", "[]").replace("value: /}", "value: /a%20b}"), null));
    }
  }

  @Test
  void matchesFindsThePatternAnywhereUnlessAnchoredAsKubernetesDoes() throws Exception {
    JsonNode schema = YAML.readTree("""
        type: object
        properties:
          s: {type: string}
          re: {type: string}
        x-kubernetes-validations:
        - {rule: "self.s.matches(self.re)", message: no match}
        """);
    assertEquals(List.of(), cel.validate(schema, YAML.readTree("{s: abbbc, re: b+}"), null), "unanchored: a substring is enough");
    assertEquals(List.of(), cel.validate(schema, YAML.readTree("{s: abbbc, re: '^a.*c$'}"), null));
    assertEquals("Invalid value: \"object\": no match",
        cel.validate(schema, YAML.readTree("{s: abbbc, re: '^b+$'}"), null).get(0).message());
    List<FieldError> invalid = cel.validate(schema, YAML.readTree("{s: abc, re: 'a('}"), null);
    assertEquals(1, invalid.size(), invalid.toString());
    assertTrue(invalid.get(0).message().contains("rule evaluation error"), invalid.toString());
    for (int i = 0; i < 1_000; i++) { // more distinct patterns than are kept compiled
      String s = "x" + i + "y";
      assertEquals(List.of(), cel.validate(schema, YAML.readTree("{s: " + s + ", re: '^x" + i + "y$'}"), null), s);
      assertEquals(1, cel.validate(schema, YAML.readTree("{s: " + s + ", re: '^x" + i + "z$'}"), null).size(), s);
    }
  }

  @Test
  void defaultsAreFilledInBeforeValidation() throws Exception {
    JsonNode obj = YAML.readTree(ROUTE.replace("FILTERS", "[]"));
    SchemaDefaults.apply(CATALOG.byKind("gateway.networking.k8s.io", "v1", "HTTPRoute").orElseThrow()
        .schema().orElseThrow(), obj);
    JsonNode parent = obj.path("spec").path("parentRefs").get(0);
    assertEquals("gateway.networking.k8s.io", parent.path("group").asText());
    assertEquals("Gateway", parent.path("kind").asText());
    assertEquals("", obj.path("spec").path("rules").get(0).path("backendRefs").get(0).path("group").asText());
    assertEquals(1, obj.path("spec").path("rules").get(0).path("backendRefs").get(0).path("weight").asInt());
  }

  @Test
  void transitionRulesCompareWithTheStoredObject() throws Exception {
    String gc = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: gloo-gateway}
        spec: {controllerName: CONTROLLER}
        """;
    String stored = gc.replace("CONTROLLER", "solo.io/gloo-gateway");
    assertEquals(List.of(), validate("GatewayClass", stored, null), "create has no oldSelf");
    assertEquals(List.of(), validate("GatewayClass", stored, stored), "unchanged is fine");
    List<FieldError> errors = validate("GatewayClass", gc.replace("CONTROLLER", "example.com/other"), stored);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("spec.controllerName", errors.get(0).field());
    assertTrue(errors.get(0).message().endsWith("Value is immutable"));
  }
}
