package dev.gloo.apiserver.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The join token reaches exactly what a joining node calls, and nothing else. */
class JoinTokenScopeTest {
  @Test
  void joinTokenGrantsOnlyJoining() {
    assertTrue(KubeApiServlet.joinerMayCall("POST", "/gloo/v1/cluster/members"));
    assertTrue(KubeApiServlet.joinerMayCall("POST", "/gloo/v1/cluster/members/node4/promote"));
    assertTrue(KubeApiServlet.joinerMayCall("GET", "/gloo/v1/cluster/status"));
    assertTrue(KubeApiServlet.joinerMayCall("POST", "/gloo/v1/cluster/peer-certificate"));

    assertFalse(KubeApiServlet.joinerMayCall("DELETE", "/gloo/v1/cluster/members/node2"));
    assertFalse(KubeApiServlet.joinerMayCall("POST", "/gloo/v1/cluster/members/node2/x/promote"));
    assertFalse(KubeApiServlet.joinerMayCall("POST", "/gloo/v1/cluster/leave"));
    assertFalse(KubeApiServlet.joinerMayCall("POST", "/gloo/v1/cluster/transfer-leader"));
    assertFalse(KubeApiServlet.joinerMayCall("GET", "/gloo/v1/cluster/snapshot"));
    assertFalse(KubeApiServlet.joinerMayCall("GET", "/gloo/v1/envoy/config"));
    assertFalse(KubeApiServlet.joinerMayCall("GET", "/api/v1/namespaces"));
    assertFalse(KubeApiServlet.joinerMayCall("GET", "/api/v1/secrets"));
    assertFalse(KubeApiServlet.joinerMayCall("POST", "/api/v1/namespaces"));
  }
}
