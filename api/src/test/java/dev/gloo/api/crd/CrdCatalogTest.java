package dev.gloo.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrdCatalogTest {
  private final CrdCatalog catalog = CrdCatalog.builtIn();

  @Test
  void servesTheGatewayApiGlooAndCoreKindsFromTheirDefinitions() {
    ResourceType gateway = catalog.byResource("gateway.networking.k8s.io", "v1", "gateways").orElseThrow();
    assertEquals("Gateway", gateway.kind());
    assertTrue(gateway.namespaced());
    assertTrue(gateway.statusSubresource());
    assertEquals(List.of("gtw"), gateway.shortNames());
    assertEquals(List.of("Class", "Address", "Programmed", "Age"),
        gateway.printerColumns().stream().map(ResourceType.PrinterColumn::name).toList());

    ResourceType gc = catalog.byKind("gateway.networking.k8s.io", "v1", "GatewayClass").orElseThrow();
    assertFalse(gc.namespaced());
    assertEquals("gatewayclasses", gc.plural());

    assertEquals("upstreams", catalog.byKind("gloo.solo.io", "v1", "Upstream").orElseThrow().plural());
    assertTrue(catalog.byResource("ratelimit.solo.io", "v1alpha1", "ratelimitconfigs").isPresent());
    assertTrue(catalog.byResource("enterprise.gloo.solo.io", "v1", "authconfigs").isPresent());

    ResourceType ns = catalog.byResource("", "v1", "namespaces").orElseThrow();
    assertFalse(ns.namespaced());
    assertEquals("v1", ns.apiVersion());
    for (String plural : List.of("secrets", "configmaps", "services")) {
      assertTrue(catalog.byResource("", "v1", plural).orElseThrow().namespaced(), plural);
    }
    assertEquals("EndpointSlice", catalog.byResource("discovery.k8s.io", "v1", "endpointslices").orElseThrow().kind());
  }

  @Test
  void everyServedVersionIsAvailableAndOneOfThemIsStored() {
    List<ResourceType> httproutes = catalog.all().stream().filter(t -> t.plural().equals("httproutes")).toList();
    assertTrue(httproutes.size() >= 1);
    assertEquals(1, httproutes.stream().filter(ResourceType::storage).count());
    assertTrue(httproutes.stream().allMatch(t -> t.schema().isPresent()));
  }
}
