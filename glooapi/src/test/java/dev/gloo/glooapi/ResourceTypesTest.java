package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gloo.api.crd.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceTypesTest {
  private final ResourceTypes types = ResourceTypes.builtIn();

  @Test
  void namesResolveLikeKubectl() {
    for (String n : List.of("gateways", "gateway", "gtw", "Gateway", "gateways.gateway.networking.k8s.io",
        "gateway.gateway.networking.k8s.io", "gateways.v1.gateway.networking.k8s.io")) {
      ResourceType t = types.resolve(n);
      assertEquals("Gateway", t.kind(), n);
      assertEquals("gateway.networking.k8s.io", t.group(), n);
    }
    assertEquals("HTTPRoute", types.resolve("httproute").kind());
    assertEquals("Upstream", types.resolve("upstreams.gloo.solo.io").kind());
    assertEquals("Namespace", types.resolve("ns").kind());
    assertEquals("Secret", types.resolve("secrets").kind());
  }

  @Test
  void unknownTypeIsKubectlsMessage() {
    CliException e = assertThrows(CliException.class, () -> types.resolve("widgets"));
    assertEquals("the server doesn't have a resource type \"widgets\"", e.getMessage());
  }

  @Test
  void refsTakeTypeSlashNameOrTypeAndNames() {
    List<ResourceTypes.Ref> refs = types.refs(List.of("gtw/a", "httproute/b"), "get");
    assertEquals("Gateway", refs.get(0).type().kind());
    assertEquals("a", refs.get(0).name());
    assertEquals("HTTPRoute", refs.get(1).type().kind());
    List<ResourceTypes.Ref> named = types.refs(List.of("upstream", "x", "y"), "get");
    assertEquals(List.of("x", "y"), named.stream().map(ResourceTypes.Ref::name).toList());
    assertNull(types.refs(List.of("upstream"), "get").get(0).name());
    assertThrows(CliException.class, () -> types.refs(List.of("gtw/"), "get"));
  }

  @Test
  void pathsFollowTheKubernetesLayout() {
    assertEquals("/apis/gateway.networking.k8s.io/v1/namespaces/infra/gateways/gw",
        ResourceTypes.objectPath(types.resolve("gtw"), "infra", "gw"));
    assertEquals("/apis/gateway.networking.k8s.io/v1/gateways", ResourceTypes.collectionPath(types.resolve("gtw"), null));
    assertEquals("/api/v1/namespaces/x", ResourceTypes.objectPath(types.resolve("ns"), "ignored", "x"));
    assertEquals("/api/v1/namespaces/a/secrets", ResourceTypes.collectionPath(types.resolve("secret"), "a"));
  }
}
