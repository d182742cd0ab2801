package dev.gloo.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Grpc;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server speaks TLS when given a certificate and key (a test pair valid for localhost). */
class TlsTest {

  static Path resource(String name) throws Exception {
    return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
  }

  @Test
  void aClientTrustingTheCertificateGetsResources() throws Exception {
    XdsSettings settings = XdsSettings.plaintext("127.0.0.1", 0, "node1").withTls(resource("cert.pem"), resource("key.pem"));
    try (XdsServer server = new XdsServer(settings, new TestBarrier(1))) {
      server.start();
      server.update(1, Map.of("default/gw", Fixtures.gateway("a")));
      File ca = resource("cert.pem").toFile();
      try (AdsClient client = AdsClient.over(Grpc.newChannelBuilderForAddress("localhost", server.port(),
          TlsChannelCredentials.newBuilder().trustManager(ca).build()).build())) {
        var call = client.sotw();
        call.send(Fixtures.request(Fixtures.node("default/gw"), Fixtures.CDS, "", ""));
        assertEquals(1, call.next().getResourcesCount());
      }
      try (AdsClient plain = AdsClient.loopback(server.port())) {
        var call = plain.sotw();
        call.send(Fixtures.request(Fixtures.node("default/gw"), Fixtures.CDS, "", ""));
        assertEquals(io.grpc.Status.Code.UNAVAILABLE, call.awaitEnd(java.time.Duration.ofSeconds(10)).getCode());
      }
    }
  }

  @Test
  void settingsNeedBothFilesAndSaneValues() {
    assertThrows(IllegalArgumentException.class, () -> new XdsSettings("127.0.0.1", 9977,
        java.util.Optional.of(Path.of("c")), java.util.Optional.empty(), "n", XdsSettings.DEFAULT_BARRIER_TIMEOUT));
    assertThrows(IllegalArgumentException.class, () -> XdsSettings.plaintext("127.0.0.1", 70000, "n"));
    assertThrows(IllegalArgumentException.class, () -> XdsSettings.plaintext("127.0.0.1", 1, " "));
    assertThrows(IllegalArgumentException.class,
        () -> XdsSettings.plaintext("127.0.0.1", 1, "n").withBarrierTimeout(java.time.Duration.ZERO));
  }
}
