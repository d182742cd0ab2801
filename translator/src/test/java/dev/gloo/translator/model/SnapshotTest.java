package dev.gloo.translator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Snapshot.Entry route(String name) throws Exception {
    return Snapshot.entry(JSON.readTree("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"apps\"},\"spec\":{}}"));
  }

  private static Snapshot.Entry slice(String name, String service) throws Exception {
    JsonNode n = JSON.readTree("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\""
        + name + "\",\"namespace\":\"apps\",\"labels\":{\"kubernetes.io/service-name\":\"" + service + "\"}},"
        + "\"addressType\":\"IPv4\",\"endpoints\":[]}");
    return Snapshot.entry(n);
  }

  @Test
  void aBuildIsACopyAndAViewFollowsTheBuilder() throws Exception {
    Snapshot.Builder b = Snapshot.builder(0);
    b.add(route("a"));
    Snapshot copy = b.build(1);
    Snapshot view = b.view(1);
    b.add(route("b"));
    assertEquals(List.of("a"), copy.httpRoutes.keySet().stream().map(NsName::name).toList());
    assertEquals(List.of("a", "b"), view.httpRoutes.keySet().stream().map(NsName::name).toList());
    assertThrows(UnsupportedOperationException.class, () -> view.httpRoutes.clear(), "a view is read-only");
    assertTrue(b.remove(Kinds.HTTP_ROUTE, new NsName("apps", "a")));
    assertFalse(b.remove(Kinds.HTTP_ROUTE, new NsName("apps", "a")), "nothing left to remove");
  }

  @Test
  void endpointSlicesAreRegroupedAfterEachChange() throws Exception {
    Snapshot.Builder b = Snapshot.builder(0);
    b.add(slice("web-1", "web"));
    assertEquals(1, b.view(1).endpointSlices.get(new NsName("apps", "web")).size());
    b.add(slice("web-2", "web"));
    assertEquals(2, b.view(2).endpointSlices.get(new NsName("apps", "web")).size());
    b.remove(Kinds.ENDPOINT_SLICE, new NsName("apps", "web-1"));
    b.remove(Kinds.ENDPOINT_SLICE, new NsName("apps", "web-2"));
    assertTrue(b.build(3).endpointSlices.isEmpty());
  }

  @Test
  void typedObjectsAreKeptWithoutAnnotationsAndTheCallersTreeIsUntouched() throws Exception {
    JsonNode stored = JSON.readTree("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
        + "\"metadata\":{\"name\":\"r\",\"namespace\":\"apps\",\"labels\":{\"team\":\"a\"},"
        + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\"},"
        + "\"managedFields\":[{\"manager\":\"kubectl\"}]},\"spec\":{\"hostnames\":[\"a.example.com\"]}}");
    JsonNode before = stored.deepCopy();
    var route = (io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute) Snapshot.entry(stored).value();
    assertTrue(route.getMetadata().getAnnotations() == null || route.getMetadata().getAnnotations().isEmpty());
    assertTrue(route.getMetadata().getManagedFields() == null || route.getMetadata().getManagedFields().isEmpty());
    assertEquals("a", route.getMetadata().getLabels().get("team"));
    assertEquals(List.of("a.example.com"), route.getSpec().getHostnames());
    assertEquals(before, stored, "the caller's tree is left as it was");
  }
}
