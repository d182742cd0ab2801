package dev.gloo.cluster;

import dev.gloo.store.raft.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Mutual TLS between the nodes (Raft replication and the nodes' own Raft clients):
 *
 * <pre>
 *   PEER_TLS_CA_FILE      PEM cluster CA: a peer's certificate must chain to it   (unset: plaintext)
 *   PEER_TLS_CA_KEY_FILE  its key: the node issues its own peer certificate at every start
 *   PEER_TLS_CERT_FILE    or this node's peer certificate (PEM) ...
 *   PEER_TLS_KEY_FILE     ... and its key
 * </pre>
 *
 * <p>A node that joins ({@code JOIN}) needs only {@code PEER_TLS_CA_FILE}: it generates a key
 * and the member it joins signs its certificate ({@link Signer}), the join token authorizing
 * the request. Members that hold the CA key sign.
 *
 * <p>{@code glooapi cluster init-ca --dir D} creates the CA ({@link #initCa}). An issued
 * certificate names the node ({@code CN=NODE_ID}) and its Raft host, localhost and 127.0.0.1.
 */
public final class PeerTls {
  private PeerTls() {}

  /** The peer TLS settings, if {@code PEER_TLS_CA_FILE} is set. */
  public static Optional<NodeConfig.PeerTls> from(Map<String, String> env, String nodeId, String raftHost) {
    String ca = value(env, "PEER_TLS_CA_FILE");
    String caKey = value(env, "PEER_TLS_CA_KEY_FILE");
    String cert = value(env, "PEER_TLS_CERT_FILE");
    String key = value(env, "PEER_TLS_KEY_FILE");
    if (ca == null) {
      if (caKey != null || cert != null || key != null) {
        throw new ConfigException("PEER_TLS_CA_FILE is required with PEER_TLS_CA_KEY_FILE, PEER_TLS_CERT_FILE"
            + " or PEER_TLS_KEY_FILE");
      }
      return Optional.empty();
    }
    if ((cert == null) != (key == null)) {
      throw new ConfigException("PEER_TLS_CERT_FILE and PEER_TLS_KEY_FILE go together: set both or neither");
    }
    if (cert == null && caKey == null) {
      if (value(env, "JOIN") != null) {
        return Optional.empty(); // the member it joins signs its certificate: see joinerNeedsCertificate
      }
      throw new ConfigException("PEER_TLS_CA_FILE needs PEER_TLS_CA_KEY_FILE (to issue this node's certificate)"
          + " or PEER_TLS_CERT_FILE and PEER_TLS_KEY_FILE");
    }
    try {
      List<X509Certificate> trusted = List.of(read("PEER_TLS_CA_FILE", ca));
      if (cert != null) {
        X509Certificate[] chain = Pki.readCerts(existing("PEER_TLS_CERT_FILE", cert));
        return Optional.of(new NodeConfig.PeerTls(Pki.readKey(existing("PEER_TLS_KEY_FILE", key)), chain[0], trusted));
      }
      return Optional.of(issue(trusted.get(0), Pki.readKey(existing("PEER_TLS_CA_KEY_FILE", caKey)), nodeId, raftHost,
          trusted));
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("peer TLS: " + e.getMessage());
    }
  }

  /** Whether this node joins with only the cluster CA, to have its certificate signed by a member. */
  public static boolean joinerNeedsCertificate(Map<String, String> env) {
    return value(env, "PEER_TLS_CA_FILE") != null && value(env, "PEER_TLS_CA_KEY_FILE") == null
        && value(env, "PEER_TLS_CERT_FILE") == null && value(env, "JOIN") != null;
  }

  /** The cluster CA's certificate ({@code PEER_TLS_CA_FILE}). */
  public static X509Certificate caCertificate(Map<String, String> env) {
    try {
      return read("PEER_TLS_CA_FILE", value(env, "PEER_TLS_CA_FILE"));
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("PEER_TLS_CA_FILE: " + e.getMessage());
    }
  }

  /** Signs joining nodes' peer certificates: a member that holds the CA key. */
  public record Signer(X509Certificate ca, PrivateKey caKey) {
    /** A certificate for {@code nodeId} at {@code host} for {@code key}. */
    public X509Certificate sign(String nodeId, String host, java.security.PublicKey key)
        throws IOException, GeneralSecurityException {
      return Pki.sign(new X500Name("CN=" + nodeId), new X500Name(ca.getSubjectX500Principal().getName()), key, caKey,
          Instant.now(), false, Pki.sans(host));
    }
  }

  /** The signer, if this node has the CA and its key. */
  public static Optional<Signer> signer(Map<String, String> env) {
    String ca = value(env, "PEER_TLS_CA_FILE");
    String caKey = value(env, "PEER_TLS_CA_KEY_FILE");
    if (ca == null || caKey == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Signer(read("PEER_TLS_CA_FILE", ca), Pki.readKey(existing("PEER_TLS_CA_KEY_FILE", caKey))));
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("peer TLS: " + e.getMessage());
    }
  }

  /** A fresh key and a certificate for {@code nodeId} at {@code host}, signed by the CA. */
  public static NodeConfig.PeerTls issue(X509Certificate ca, PrivateKey caKey, String nodeId, String host,
      List<X509Certificate> trusted) throws IOException, GeneralSecurityException {
    KeyPair pair = Pki.ecKey();
    return new NodeConfig.PeerTls(pair.getPrivate(), new Signer(ca, caKey).sign(nodeId, host, pair.getPublic()), trusted);
  }

  /**
   * Creates a cluster CA in {@code dir}: {@code ca.crt} (give it to every node) and {@code ca.key}
   * (mode 600; only nodes that issue certificates need it). Refuses to overwrite either.
   */
  public static void initCa(Path dir) throws IOException, GeneralSecurityException {
    Path crt = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    if (Files.exists(crt) || Files.exists(key)) {
      throw new ConfigException(dir + " already holds a CA (ca.crt or ca.key); not overwriting it");
    }
    Files.createDirectories(dir);
    KeyPair ca = Pki.ecKey();
    X500Name name = new X500Name("CN=gloo-control-peer-ca");
    Files.createFile(key);
    try {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Pki.writePem(key, ca.getPrivate());
    Pki.writePem(crt, Pki.sign(name, name, ca.getPublic(), ca.getPrivate(), Instant.now(), true, List.of()));
  }

  private static X509Certificate read(String setting, String file) throws IOException, GeneralSecurityException {
    return Pki.readCerts(existing(setting, file))[0];
  }

  private static Path existing(String setting, String file) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(setting + "=" + file + ": no such file");
    }
    return p;
  }

  private static String value(Map<String, String> env, String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
