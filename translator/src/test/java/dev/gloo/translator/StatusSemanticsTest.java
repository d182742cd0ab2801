package dev.gloo.translator;

import static dev.gloo.translator.SeedWalkthroughTest.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Statuses as the Gateway API spec defines them, for the failures users meet most. */
class StatusSemanticsTest {
  private static final String BASE = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: apps, labels: {team: a}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: other}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: gloo-gateway}
      spec: {controllerName: solo.io/gloo-gateway}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: apps}
      spec:
        ports: [{name: http, port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-1, namespace: apps, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      ports: [{name: http, port: 8080}]
      endpoints:
      - addresses: [10.0.0.2]
      - addresses: [10.0.0.1]
      - addresses: [10.0.0.3]
        conditions: {ready: false}
      """;

  private final Translator translator = new Translator(TranslatorSettings.defaults());

  private static String gateway(String listeners) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: apps, generation: 3}
        spec:
          gatewayClassName: gloo-gateway
          listeners:
        """ + listeners.indent(2);
  }

  private static final String HTTP_LISTENER = """
      - name: http
        protocol: HTTP
        port: 8080
      """;

  private static String route(String namespace, String name, String spec) {
    return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: " + name
        + ", namespace: " + namespace + ", generation: 2}\nspec:\n" + spec.indent(2);
  }

  private TranslationResult translate(String... docs) {
    String[] all = new String[docs.length + 1];
    all[0] = BASE;
    System.arraycopy(docs, 0, all, 1, docs.length);
    return Fixtures.checked(translator.translate(Fixtures.snapshot(String.join("\n---\n", all))));
  }

  private static JsonNode parent(TranslationResult r, String ns, String name) {
    JsonNode s = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, ns, name));
    assertTrue(s != null, "route " + ns + "/" + name + " has a status");
    return s.path("parents").get(0);
  }

  private static void assertCondition(JsonNode conditions, String type, String status, String reason) {
    JsonNode c = condition(conditions, type);
    assertEquals(status, c.path("status").asText(), type + " " + c);
    assertEquals(reason, c.path("reason").asText(), type + " " + c);
  }

  @Test
  void serviceBackendGetsEdsWithReadyEndpointsSortedAndObservedGeneration() {
    TranslationResult r = translate(gateway(HTTP_LISTENER), route("apps", "r", """
        parentRefs: [{name: gw}]
        rules: [{backendRefs: [{name: web, port: 80}]}]
        """));
    GatewayResources g = r.gateways().get(new NsName("apps", "gw"));
    assertEquals("kube_apps_web_80", g.clusters().get(0).getName());
    var lbs = g.endpoints().get(0).getEndpoints(0).getLbEndpointsList();
    assertEquals(List.of("10.0.0.1", "10.0.0.2"),
        lbs.stream().map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress()).toList(),
        "not-ready endpoints are left out; the rest sorted");
    assertEquals(8080, lbs.get(0).getEndpoint().getAddress().getSocketAddress().getPortValue());
    JsonNode p = parent(r, "apps", "r");
    assertEquals(2, condition(p.path("conditions"), "Accepted").path("observedGeneration").asInt());
  }

  @Test
  void missingBackendAnswers500AndReportsBackendNotFound() {
    TranslationResult r = translate(gateway(HTTP_LISTENER), route("apps", "r", """
        parentRefs: [{name: gw}]
        rules: [{backendRefs: [{name: nope, port: 80}]}]
        """));
    JsonNode p = parent(r, "apps", "r");
    assertCondition(p.path("conditions"), "Accepted", "True", "Accepted");
    assertCondition(p.path("conditions"), "ResolvedRefs", "False", "BackendNotFound");
    Route envoy = r.gateways().get(new NsName("apps", "gw")).routes().get(0).getVirtualHosts(0).getRoutes(0);
    assertEquals(500, envoy.getDirectResponse().getStatus());
  }

  @Test
  void crossNamespaceBackendNeedsAReferenceGrant() {
    String svc = """
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: other}
        spec: {ports: [{port: 80}]}
        """;
    String r1 = route("apps", "r", """
        parentRefs: [{name: gw}]
        rules: [{backendRefs: [{name: api, namespace: other, port: 80}]}]
        """);
    assertCondition(parent(translate(gateway(HTTP_LISTENER), svc, r1), "apps", "r").path("conditions"),
        "ResolvedRefs", "False", "RefNotPermitted");
    String grant = """
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: allow-apps, namespace: other}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
          to: [{group: "", kind: Service}]
        """;
    assertCondition(parent(translate(gateway(HTTP_LISTENER), svc, r1, grant), "apps", "r").path("conditions"),
        "ResolvedRefs", "True", "ResolvedRefs");
  }

  @Test
  void unknownSectionNameIsNoMatchingParent() {
    TranslationResult r = translate(gateway(HTTP_LISTENER), route("apps", "r", """
        parentRefs: [{name: gw, sectionName: nope}]
        rules: [{backendRefs: [{name: web, port: 80}]}]
        """));
    assertCondition(parent(r, "apps", "r").path("conditions"), "Accepted", "False", "NoMatchingParent");
  }

  @Test
  void routeFromAnotherNamespaceIsNotAllowedByDefault() {
    TranslationResult r = translate(gateway(HTTP_LISTENER), route("other", "r", """
        parentRefs: [{name: gw, namespace: apps}]
        rules: [{backendRefs: [{name: web, namespace: apps, port: 80}]}]
        """));
    assertCondition(parent(r, "other", "r").path("conditions"), "Accepted", "False", "NotAllowedByListeners");
    JsonNode gw = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "apps", "gw"));
    assertEquals(0, gw.path("listeners").get(0).path("attachedRoutes").asInt());
  }

  @Test
  void namespaceSelectorAdmitsLabelledNamespacesOnly() {
    String listener = """
        - name: http
          protocol: HTTP
          port: 8080
          allowedRoutes:
            namespaces:
              from: Selector
              selector: {matchLabels: {team: a}}
        """;
    TranslationResult r = translate(gateway(listener),
        route("apps", "ok", "parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: web, port: 80}]}]\n"),
        route("other", "denied", "parentRefs: [{name: gw, namespace: apps}]\nrules: [{}]\n"));
    assertCondition(parent(r, "apps", "ok").path("conditions"), "Accepted", "True", "Accepted");
    assertCondition(parent(r, "other", "denied").path("conditions"), "Accepted", "False", "NotAllowedByListeners");
  }

  @Test
  void hostnamesThatDoNotIntersectAreNoMatchingListenerHostname() {
    String listener = """
        - name: http
          protocol: HTTP
          port: 8080
          hostname: "*.example.com"
        """;
    TranslationResult r = translate(gateway(listener),
        route("apps", "a", "parentRefs: [{name: gw}]\nhostnames: [foo.other.com]\nrules: [{backendRefs: [{name: web, port: 80}]}]\n"),
        route("apps", "b", "parentRefs: [{name: gw}]\nhostnames: [foo.example.com]\nrules: [{backendRefs: [{name: web, port: 80}]}]\n"));
    assertCondition(parent(r, "apps", "a").path("conditions"), "Accepted", "False", "NoMatchingListenerHostname");
    assertCondition(parent(r, "apps", "b").path("conditions"), "Accepted", "True", "Accepted");
    assertEquals(List.of("foo.example.com"),
        r.gateways().get(new NsName("apps", "gw")).routes().get(0).getVirtualHosts(0).getDomainsList());
  }

  @Test
  void unsupportedProtocolAndConflictsMarkOnlyTheAffectedListeners() {
    String listeners = """
        - name: tcp
          protocol: TCP
          port: 9000
        - name: a
          protocol: HTTP
          port: 8080
          hostname: a.example.com
        - name: a2
          protocol: HTTP
          port: 8080
          hostname: a.example.com
        - name: ok
          protocol: HTTP
          port: 8081
        """;
    TranslationResult r = translate(gateway(listeners));
    JsonNode ls = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "apps", "gw")).path("listeners");
    assertCondition(ls.get(0).path("conditions"), "Accepted", "False", "UnsupportedProtocol");
    assertCondition(ls.get(1).path("conditions"), "Conflicted", "True", "HostnameConflict");
    assertCondition(ls.get(2).path("conditions"), "Programmed", "False", "Invalid");
    assertCondition(ls.get(3).path("conditions"), "Programmed", "True", "Programmed");
    assertCondition(ls.get(3).path("conditions"), "Conflicted", "False", "NoConflicts");
    JsonNode gw = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "apps", "gw"));
    assertCondition(gw.path("conditions"), "Programmed", "True", "Programmed");
    assertEquals(3, condition(gw.path("conditions"), "Accepted").path("observedGeneration").asInt());
  }

  @Test
  void httpsListenerWithMissingSecretIsInvalidCertificateRef() {
    String listener = """
        - name: https
          protocol: HTTPS
          port: 8443
          tls:
            certificateRefs: [{name: missing}]
        """;
    TranslationResult r = translate(gateway(listener));
    JsonNode l = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "apps", "gw")).path("listeners").get(0);
    assertCondition(l.path("conditions"), "ResolvedRefs", "False", "InvalidCertificateRef");
    assertTrue(r.gateways().get(new NsName("apps", "gw")).listeners().isEmpty(), "an invalid listener is not programmed");
  }

  @Test
  void gatewaysOfOtherClassesAreLeftAlone() {
    String other = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: theirs, namespace: apps}
        spec:
          gatewayClassName: someone-else
          listeners: [{name: http, protocol: HTTP, port: 80}]
        """;
    TranslationResult r = translate(other, route("apps", "r", "parentRefs: [{name: theirs}]\nrules: [{}]\n"));
    assertFalse(r.gateways().containsKey(new NsName("apps", "theirs")));
    assertFalse(r.statuses().containsKey(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "apps", "theirs")));
    assertFalse(r.statuses().containsKey(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, "apps", "r")));
  }

  @Test
  void aBrokenRuleDoesNotBreakTheOtherRulesOrRoutes() {
    TranslationResult r = translate(gateway(HTTP_LISTENER),
        route("apps", "bad", """
            parentRefs: [{name: gw}]
            rules:
            - matches: [{path: {type: PathPrefix, value: /bad}}]
              filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Thing, name: x}}]
              backendRefs: [{name: web, port: 80}]
            - matches: [{path: {type: PathPrefix, value: /fine}}]
              backendRefs: [{name: web, port: 80}]
            """),
        route("apps", "good", "parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: web, port: 80}]}]\n"));
    List<Route> routes = r.gateways().get(new NsName("apps", "gw")).routes().get(0).getVirtualHosts(0).getRoutesList();
    assertEquals(List.of("apps/bad/rule-1/match-0", "apps/bad/rule-0/match-0", "apps/good/rule-0/match-0"),
        routes.stream().map(Route::getName).toList(), "longer prefixes first");
    assertEquals("kube_apps_web_80", routes.get(0).getRoute().getCluster());
    assertEquals(500, routes.get(1).getDirectResponse().getStatus());
    assertEquals("kube_apps_web_80", routes.get(2).getRoute().getCluster());
    assertCondition(parent(r, "apps", "bad").path("conditions"), "ResolvedRefs", "False", "InvalidKind");
  }

  @Test
  void matchPrecedenceFollowsTheSpec() {
    TranslationResult r = translate(gateway(HTTP_LISTENER),
        route("apps", "a-old", """
            parentRefs: [{name: gw}]
            rules:
            - matches: [{path: {type: PathPrefix, value: /}}]
              backendRefs: [{name: web, port: 80}]
            - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x, value: "1"}]}]
              backendRefs: [{name: web, port: 80}]
            """),
        route("apps", "b", """
            parentRefs: [{name: gw}]
            rules:
            - matches: [{path: {type: PathPrefix, value: /api}}]
              backendRefs: [{name: web, port: 80}]
            - matches: [{path: {type: Exact, value: /api/login}}]
              backendRefs: [{name: web, port: 80}]
            - matches: [{path: {type: PathPrefix, value: /api/v1}}]
              backendRefs: [{name: web, port: 80}]
            """));
    List<String> order = r.gateways().get(new NsName("apps", "gw")).routes().get(0).getVirtualHosts(0)
        .getRoutesList().stream().map(Route::getName).toList();
    assertEquals(List.of("apps/b/rule-1/match-0", "apps/b/rule-2/match-0", "apps/a-old/rule-1/match-0",
        "apps/b/rule-0/match-0", "apps/a-old/rule-0/match-0"), order,
        "exact first, then longer prefixes, then more header matches");
  }
}
