package dev.gloo.extauth.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.extauth.auth.Decision;
import dev.gloo.extauth.config.AuthConfigs;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationServiceTest {
  private final AuthConfigs configs = new AuthConfigs(Map.of(
      "ns.open", AuthConfigs.Entry.loaded("ns.open", r -> Decision.allow(
          List.of(dev.gloo.extauth.auth.Header.set("x-user", "u")), List.of("x-role"))),
      "ns.broken", AuthConfigs.Entry.failed("ns.broken", "spec.configs[0].ldap: not supported by gloo-extauth"),
      "ns.throws", AuthConfigs.Entry.loaded("ns.throws", r -> {
        throw new IllegalStateException("bug");
      }),
      "ns.headers", AuthConfigs.Entry.loaded("ns.headers", r -> r.header("x-probe").isPresent()
          ? Decision.allow() : Decision.unauthorized("no probe"))), 7);
  private final AuthorizationService service = new AuthorizationService(() -> configs);

  private static CheckRequest request(String configId) {
    return EnvoyCheckRequests.of(configId, "GET", "/get", Map.of());
  }

  @Test
  void failsClosedWith403ForMissingUnknownBrokenOrThrowingConfigs() {
    assertEquals("no config_id context extension on the route", service.decide(request(null)).reason());
    assertEquals("unknown config id ns.nope", service.decide(request("ns.nope")).reason());
    assertEquals("config ns.broken failed to load: spec.configs[0].ldap: not supported by gloo-extauth",
        service.decide(request("ns.broken")).reason());
    assertEquals("internal error checking config ns.throws: java.lang.IllegalStateException: bug",
        service.decide(request("ns.throws")).reason());
    for (String id : new String[] {null, "ns.nope", "ns.broken", "ns.throws"}) {
      assertEquals(403, service.decide(request(id)).status(), String.valueOf(id));
      CheckResponse r = EnvoyMessages.response(service.decide(request(id)));
      assertEquals(io.grpc.Status.Code.PERMISSION_DENIED.value(), r.getStatus().getCode());
      assertEquals(403, r.getDeniedResponse().getStatus().getCodeValue());
    }
  }

  @Test
  void anAllowBecomesAnOkResponseWithHeadersToSetAndRemove() {
    CheckResponse r = EnvoyMessages.response(service.decide(request("ns.open")));
    assertEquals(0, r.getStatus().getCode());
    HeaderValueOption h = r.getOkResponse().getHeaders(0);
    assertEquals("x-user", h.getHeader().getKey());
    assertEquals("u", h.getHeader().getValue());
    assertTrue(h.hasAppend() && !h.getAppend().getValue(), "replaces a client-sent x-user");
    assertEquals(List.of("x-role"), r.getOkResponse().getHeadersToRemoveList());
  }

  @Test
  void headersArriveFromTheMapOrTheRawHeaderMap() {
    assertEquals(401, service.decide(request("ns.headers")).status());
    assertTrue(service.decide(EnvoyCheckRequests.of("ns.headers", "GET", "/", Map.of("X-Probe", "1"))).allowed());
    // Envoy with encode_raw_headers sends header_map entries with raw_value bytes instead.
    CheckRequest.Builder raw = request("ns.headers").toBuilder();
    raw.getAttributesBuilder().getRequestBuilder().getHttpBuilder().setHeaderMap(
        io.envoyproxy.envoy.config.core.v3.HeaderMap.newBuilder().addHeaders(
            io.envoyproxy.envoy.config.core.v3.HeaderValue.newBuilder().setKey("x-probe")
                .setRawValue(com.google.protobuf.ByteString.copyFromUtf8("1"))));
    assertTrue(service.decide(raw.build()).allowed());
  }
}
