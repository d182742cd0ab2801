package dev.gloo.apiserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.apiserver.ProcessCluster;
import dev.gloo.cluster.PeerTls;
import dev.gloo.cluster.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer mutual TLS with real node processes: three nodes holding the cluster CA and its key form
 * a cluster; a 4th node given only the CA certificate and the join token has its peer
 * certificate signed by the member it joins, catches up and serves; a node whose certificate
 * another CA signed, holding the join token, tries to join but receives nothing over Raft and
 * never becomes a voter.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PeerTlsProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void joinerGetsItsCertificateFromAMemberAndAForeignCaNodeReceivesNothing(@TempDir Path tmp) throws Exception {
    Path ca = tmp.resolve("ca");
    Path foreign = tmp.resolve("foreign");
    PeerTls.initCa(ca);
    PeerTls.initCa(foreign);
    Path joinToken = tmp.resolve("join.token");
    Files.writeString(joinToken, "join-secret\n");
    try (ProcessCluster c = new ProcessCluster(tmp, 3)) {
      c.addSetting("PEER_TLS_CA_FILE=" + ca.resolve("ca.crt"));
      c.addSetting("PEER_TLS_CA_KEY_FILE=" + ca.resolve("ca.key"));
      c.addSetting("JOIN_TOKEN_FILE=" + joinToken);
      c.startAll();
      assertEquals(0, c.kubectl("node2", "create", "namespace", "before-join").code());
      Path apiCas = tmp.resolve("api-cas.pem");
      StringBuilder pem = new StringBuilder();
      for (String id : c.ids()) {
        pem.append(Files.readString(c.caFile(id)));
      }
      Files.writeString(apiCas, pem);
      Map<String, String> join = Map.of("JOIN", c.apiUrl("node1") + "," + c.apiUrl("node2"),
          "JOIN_TOKEN_FILE", joinToken.toString(), "JOIN_CA_FILE", apiCas.toString());

      c.addNode("node4", merged(join, Map.of("PEER_TLS_CA_FILE", ca.resolve("ca.crt").toString())));
      c.addNode("node5", merged(join, Map.of("PEER_TLS_CA_FILE", foreign.resolve("ca.crt").toString(),
          "PEER_TLS_CA_KEY_FILE", foreign.resolve("ca.key").toString())));
      c.start("node4");
      c.start("node5");
      c.awaitReady("node4");
      JsonNode members = status(c, "node1").path("members");
      assertTrue(ProcessCluster.isVoter(members, "node4"), "node4 is a voter: " + members);

      X509Certificate issued = Pki.readCerts(tmp.resolve("node4/peer-tls/peer.crt"))[0];
      issued.verify(Pki.readCerts(ca.resolve("ca.crt"))[0].getPublicKey());
      assertEquals("CN=node4", issued.getSubjectX500Principal().getName());

      // node5 holds the join token, so it asks to be added; Raft then refuses its certificate.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
      while (!c.log("node5").contains("joining the cluster") && !c.log("node5").contains("added as a learner")
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      assertTrue(c.log("node5").contains("joining the cluster") || c.log("node5").contains("added as a learner"),
          "node5 tried to join: " + c.log("node5"));
      Thread.sleep(5000);
      JsonNode node5 = status(c, "node5");
      assertEquals(0, node5.path("revision").asLong(), "node5 (foreign CA) received nothing: " + node5);
      assertTrue(!ProcessCluster.isVoter(status(c, "node1").path("members"), "node5"), "node5 was never promoted");
    }
  }

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new java.util.HashMap<>(a);
    out.putAll(b);
    return out;
  }

  /** The node's own status, retried while its admin port comes up. */
  private static JsonNode status(ProcessCluster c, String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        java.net.http.HttpResponse<String> r = c.admin(id, "/status");
        if (r.statusCode() == 200) {
          return JSON.readTree(r.body()).path("store");
        }
        last = new IllegalStateException(r.statusCode() + ": " + r.body());
      } catch (java.io.IOException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(id + " gives no status (" + last + "): " + c.log(id));
  }
}
