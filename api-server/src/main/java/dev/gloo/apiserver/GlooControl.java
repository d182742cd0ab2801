package dev.gloo.apiserver;

import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.NodeSettings;
import dev.gloo.cluster.NodeArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gloo-control --env-file FILE [--set KEY=VALUE]...}: one control node. Reads its
 * settings, prepares TLS and the admin token, and runs the Dropwizard application.
 */
public final class GlooControl {
  private GlooControl() {}

  public static void main(String[] args) throws Exception {
    NodeSettings node;
    ApiSettings api;
    dev.gloo.apiserver.controller.ControllerSettings controller;
    Optional<dev.gloo.apiserver.ops.ClusterJoin> join;
    Path keystore;
    Optional<Path> clientTrustStore;
    String token;
    String joinToken;
    Optional<dev.gloo.cluster.PeerTls.Signer> peerSigner;
    try {
      Map<String, String> env = NodeArgs.parse(args);
      node = NodeSettings.from(env);
      api = ApiSettings.from(env, node.store().dataDir());
      controller = dev.gloo.apiserver.controller.ControllerSettings.from(env);
      Files.createDirectories(node.store().dataDir());
      joinToken = joinToken(env, node.store().dataDir());
      join = dev.gloo.apiserver.ops.ClusterJoin.from(env, joinToken);
      peerSigner = dev.gloo.cluster.PeerTls.signer(env);
      if (dev.gloo.cluster.PeerTls.joinerNeedsCertificate(env)) {
        node = new NodeSettings(node.store().withPeerTls(join.orElseThrow().peerCertificate(node.store().nodeId(),
            node.store().raftHost(), dev.gloo.cluster.PeerTls.caCertificate(env),
            node.store().dataDir().resolve("peer-tls"))), node.adminAddress());
      }
      Files.createDirectories(node.store().dataDir());
      keystore = ServerTls.keystore(api, node.store().dataDir());
      clientTrustStore = api.clientCaFile().isPresent()
          ? Optional.of(ServerTls.clientTrustStore(api.clientCaFile().get(), node.store().dataDir()))
          : Optional.empty();
      token = ensureToken(api.tokenFile());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(2);
      return;
    } catch (ConfigException | IOException | GeneralSecurityException e) {
      System.err.println("gloo-control: " + e.getMessage());
      System.exit(2);
      return;
    }
    new GlooControlApplication(node, api, controller, join, keystore, clientTrustStore, Optional.of(token),
        joinToken, peerSigner).run("server", "gloo-control.yml");
  }

  /**
   * The join token: {@code JOIN_TOKEN}, else the file {@code JOIN_TOKEN_FILE}, else
   * {@code DATA_DIR/join.token} (generated at first start). A node presents it when it joins
   * (JOIN) and accepts it from joining nodes once it is a member; it grants nothing else.
   */
  static String joinToken(Map<String, String> env, Path dataDir) throws IOException {
    String inline = env.getOrDefault("JOIN_TOKEN", "").strip();
    if (!inline.isEmpty()) {
      return inline;
    }
    String file = env.getOrDefault("JOIN_TOKEN_FILE", "").strip();
    if (!file.isEmpty() && !Files.exists(Path.of(file))) {
      throw new ConfigException("JOIN_TOKEN_FILE=" + file + ": no such file");
    }
    return ensureToken(file.isEmpty() ? dataDir.resolve("join.token") : Path.of(file));
  }

  /** The admin token: read from the file, or generated into it (mode 600) at first start. */
  static String ensureToken(Path file) throws IOException {
    if (Files.exists(file)) {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw new ConfigException("token file " + file + " is empty");
      }
      return t.split("[,\\s]")[0];
    }
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String t = HexFormat.of().formatHex(b);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, t + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    return t;
  }
}
