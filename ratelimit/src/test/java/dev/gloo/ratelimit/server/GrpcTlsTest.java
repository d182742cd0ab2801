package dev.gloo.ratelimit.server;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE put the rate limit service behind TLS. */
class GrpcTlsTest {
  @Test
  void withACertificateTheServiceSpeaksTlsOnly(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    selfSigned(cert, key);
    try (Harness harness = Harness.onSharedRedis("GRPC_TLS_CERT_FILE=" + cert, "GRPC_TLS_KEY_FILE=" + key)) {
      harness.configs("""
          metadata: {name: tls, namespace: default}
          spec: {raw: {descriptors: [{key: generic_key, rateLimit: {requestsPerUnit: 100, unit: SECOND}}]}}
          """);
      var req = request(descriptor("default.tls", "generic_key", "x"));
      ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", harness.service.grpcPort())
          .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build())
          .build();
      try {
        assertEquals(Code.OK, RateLimitServiceGrpc.newBlockingStub(tls).withDeadlineAfter(10, TimeUnit.SECONDS)
            .shouldRateLimit(req).getOverallCode());
      } finally {
        tls.shutdownNow();
      }
      StatusRuntimeException plaintext = assertThrows(StatusRuntimeException.class,
          () -> harness.stub().withDeadlineAfter(5, TimeUnit.SECONDS).shouldRateLimit(req));
      assertEquals(Status.Code.UNAVAILABLE, plaintext.getStatus().getCode(), plaintext.toString());
    }
  }

  private static void selfSigned(Path certFile, Path keyFile) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    KeyPair kp = gen.generateKeyPair();
    X500Name name = new X500Name("CN=127.0.0.1");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate cert = new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    writePem(certFile, cert);
    writePem(keyFile, new JcaPKCS8Generator(kp.getPrivate(), null));
  }

  private static void writePem(Path file, Object o) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o);
    }
  }
}
