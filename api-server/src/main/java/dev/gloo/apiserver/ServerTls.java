package dev.gloo.apiserver;

import dev.gloo.cluster.Pki;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The API's TLS material. Without configured files, the node creates at first start a CA and a
 * server certificate signed by it (names: the API host, localhost, 127.0.0.1) under {@code
 * DATA_DIR/tls/}, and keeps them across restarts; clients trust {@code ca.crt}. Either way the
 * result is a PKCS#12 keystore for Jetty.
 */
public final class ServerTls {
  static final char[] KEYSTORE_PASSWORD = "gloo-control".toCharArray();

  private ServerTls() {}

  /** The keystore to serve, creating the generated material if needed. */
  public static Path keystore(ApiSettings api, Path dataDir) throws IOException, GeneralSecurityException {
    Path dir = dataDir.resolve("tls");
    Files.createDirectories(dir);
    Path p12 = dir.resolve("server.p12");
    if (api.certFile().isPresent()) {
      writeKeystore(p12, Pki.readKey(api.keyFile().get()), Pki.readCerts(api.certFile().get()));
      return p12;
    }
    if (!Files.exists(p12) || !Files.exists(dir.resolve("ca.crt"))) {
      generate(dir, api.address().host());
    }
    return p12;
  }

  /**
   * A PKCS#12 trust store holding the CAs of {@code caFile}, for Jetty to check client
   * certificates against.
   */
  public static Path clientTrustStore(Path caFile, Path dataDir) throws IOException, GeneralSecurityException {
    X509Certificate[] cas = Pki.readCerts(caFile);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (int i = 0; i < cas.length; i++) {
      ks.setCertificateEntry("client-ca-" + i, cas[i]);
    }
    Path out = dataDir.resolve("tls").resolve("client-ca.p12");
    Files.createDirectories(out.getParent());
    try (OutputStream o = Files.newOutputStream(out)) {
      ks.store(o, KEYSTORE_PASSWORD);
    }
    return out;
  }

  /**
   * Issues a client certificate for {@code user} into {@code dir} ({@code <user>.crt},
   * {@code <user>.key}), signed by the client CA there ({@code client-ca.crt}, created with its
   * key on first use). Give a node {@code CLIENT_CA_FILE=<dir>/client-ca.crt} to accept them.
   */
  public static void issueClientCertificate(Path dir, String user) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    Path caCrt = dir.resolve("client-ca.crt");
    Path caKey = dir.resolve("client-ca.key");
    Instant now = Instant.now();
    X500Name caName = new X500Name("CN=gloo-control-client-ca");
    if (!Files.exists(caCrt)) {
      KeyPair ca = Pki.ecKey();
      Pki.writePem(caCrt, Pki.sign(caName, caName, ca.getPublic(), ca.getPrivate(), now, true, List.of()));
      Pki.writePem(caKey, ca.getPrivate());
    }
    PrivateKey caPrivate = Pki.readKey(caKey);
    KeyPair client = Pki.ecKey();
    X509Certificate cert = Pki.sign(new X500Name("CN=" + user), caName, client.getPublic(), caPrivate, now, false, List.of());
    Pki.writePem(dir.resolve(user + ".crt"), cert);
    Pki.writePem(dir.resolve(user + ".key"), client.getPrivate());
  }

  private static void generate(Path dir, String host) throws IOException, GeneralSecurityException {
    KeyPair ca = Pki.ecKey();
    Instant now = Instant.now();
    X500Name caName = new X500Name("CN=gloo-control-ca");
    X509Certificate caCert = Pki.sign(caName, caName, ca.getPublic(), ca.getPrivate(), now, true, List.of());
    KeyPair server = Pki.ecKey();
    List<GeneralName> sans = Pki.sans(host);
    X509Certificate cert = Pki.sign(new X500Name("CN=gloo-control"), caName, server.getPublic(), ca.getPrivate(), now,
        false, sans);
    Pki.writePem(dir.resolve("ca.crt"), caCert);
    Pki.writePem(dir.resolve("ca.key"), ca.getPrivate());
    Pki.writePem(dir.resolve("server.crt"), cert);
    Pki.writePem(dir.resolve("server.key"), server.getPrivate());
    writeKeystore(dir.resolve("server.p12"), server.getPrivate(), new X509Certificate[] {cert, caCert});
  }

  private static void writeKeystore(Path file, PrivateKey key, X509Certificate[] chain)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, KEYSTORE_PASSWORD, chain);
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, KEYSTORE_PASSWORD);
    }
  }
}
