package dev.gloo.cluster;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
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
 * The certificate primitives the nodes and the CLI share: EC P-256 keys, certificates signed by
 * a CA (a CA's own, a server's, a peer's), and PEM files (keys written as PKCS#8).
 */
public final class Pki {
  private Pki() {}

  /** The subject alternative names of a certificate for {@code host}: localhost, 127.0.0.1 and the host. */
  public static List<GeneralName> sans(String host) {
    List<GeneralName> sans = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    if (!host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("0.0.0.0")) {
      boolean ip = host.matches("[0-9.]+") || host.contains(":");
      sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
    }
    return sans;
  }

  public static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  public static X509Certificate sign(X500Name subject, X500Name issuer, java.security.PublicKey key,
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

  public static void writePem(Path file, Object o) throws IOException {
    Files.writeString(file, pem(o));
  }

  /** A certificate or key as PEM text (keys as PKCS#8, the form every TLS stack reads, Go's included). */
  public static String pem(Object o) throws IOException {
    if (o instanceof PrivateKey key) {
      String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  /** The certificates of PEM text. */
  public static List<X509Certificate> parseCerts(String pem) throws GeneralSecurityException {
    java.security.cert.CertificateFactory f = java.security.cert.CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (java.security.cert.Certificate c : f.generateCertificates(
        new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  public static PrivateKey readKey(Path file) throws IOException {
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

  public static X509Certificate[] readCerts(Path file) throws IOException, GeneralSecurityException {
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
