package dev.gloo.apiserver;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

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
      writeKeystore(p12, readKey(api.keyFile().get()), readCerts(api.certFile().get()));
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
    X509Certificate[] cas = readCerts(caFile);
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
      KeyPair ca = ecKey();
      writePem(caCrt, sign(caName, caName, ca.getPublic(), ca.getPrivate(), now, true, List.of()));
      writePem(caKey, ca.getPrivate());
    }
    PrivateKey caPrivate = readKey(caKey);
    KeyPair client = ecKey();
    X509Certificate cert = sign(new X500Name("CN=" + user), caName, client.getPublic(), caPrivate, now, false, List.of());
    writePem(dir.resolve(user + ".crt"), cert);
    writePem(dir.resolve(user + ".key"), client.getPrivate());
  }

  private static void generate(Path dir, String host) throws IOException, GeneralSecurityException {
    KeyPair ca = ecKey();
    Instant now = Instant.now();
    X500Name caName = new X500Name("CN=gloo-control-ca");
    X509Certificate caCert = sign(caName, caName, ca.getPublic(), ca.getPrivate(), now, true, List.of());
    KeyPair server = ecKey();
    List<GeneralName> sans = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    if (!host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("0.0.0.0")) {
      boolean ip = host.matches("[0-9.]+") || host.contains(":");
      sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
    }
    X509Certificate cert = sign(new X500Name("CN=gloo-control"), caName, server.getPublic(), ca.getPrivate(), now,
        false, sans);
    writePem(dir.resolve("ca.crt"), caCert);
    writePem(dir.resolve("ca.key"), ca.getPrivate());
    writePem(dir.resolve("server.crt"), cert);
    writePem(dir.resolve("server.key"), server.getPrivate());
    writeKeystore(dir.resolve("server.p12"), server.getPrivate(), new X509Certificate[] {cert, caCert});
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name subject, X500Name issuer, java.security.PublicKey key,
      PrivateKey signer, Instant now, boolean ca, List<GeneralName> sans) throws GeneralSecurityException, IOException {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(ca ? 3650 : 825))), subject, key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true, ca
        ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
        : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    if (!sans.isEmpty()) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void writePem(Path file, Object o) throws IOException {
    if (o instanceof PrivateKey key) {
      // PKCS#8, the form every TLS stack reads (Go's included).
      String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded());
      Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
      return;
    }
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    Files.writeString(file, s.toString());
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

  private static PrivateKey readKey(Path file) throws IOException {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(file))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return c.getKeyPair(kp).getPrivate();
      }
      if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return c.getPrivateKey(info);
      }
      throw new IOException(file + " holds no private key");
    }
  }

  private static X509Certificate[] readCerts(Path file) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(Files.newBufferedReader(file))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof org.bouncycastle.cert.X509CertificateHolder h) {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + " holds no certificate");
    }
    return out.toArray(new X509Certificate[0]);
  }
}
