package dev.gloo.apiserver.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.api.client.ResourceFeed;
import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.Pki;
import dev.gloo.store.raft.NodeConfig;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import dev.gloo.store.raft.NodeStatus;
import dev.gloo.store.raft.RaftStoreNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new node entering a running cluster:
 *
 * <pre>
 *   JOIN             https://member:6443,...  members' API URLs, tried in turn  (unset: no join)
 *   JOIN_TOKEN       the cluster's join token (or JOIN_TOKEN_FILE: a file holding it)
 *   JOIN_CA_FILE     PEM CA(s) that signed the members' API certificates
 * </pre>
 *
 * <p>The node asks a member to add it as a learner (it then receives a snapshot and the log,
 * counting toward no quorum), waits until its applied index is close to the cluster's commit
 * index, and asks to be promoted to voter. A node that is already a member does nothing, so a
 * restart with the same env file is harmless.
 */
public final class ClusterJoin {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);
  /** Promote once the learner is this close to the leader's commit index. */
  private static final long CAUGHT_UP_ENTRIES = 50;

  private final List<URI> members;
  private final String token;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  private ClusterJoin(List<URI> members, String token, HttpClient http) {
    this.members = members;
    this.token = token;
    this.http = http;
  }

  /** The join settings, if the env file asks this node to join. */
  public static Optional<ClusterJoin> from(Map<String, String> env, String joinToken) {
    String join = env.getOrDefault("JOIN", "").strip();
    if (join.isEmpty()) {
      return Optional.empty();
    }
    List<URI> members = new ArrayList<>();
    for (String u : join.split(",")) {
      if (!u.strip().startsWith("https://")) {
        throw new ConfigException("JOIN: '" + u.strip() + "' is not an https:// URL of a member's API");
      }
      members.add(URI.create(u.strip().replaceAll("/+$", "")));
    }
    String caFile = env.getOrDefault("JOIN_CA_FILE", "").strip();
    if (env.getOrDefault("JOIN_TOKEN", "").isBlank() && env.getOrDefault("JOIN_TOKEN_FILE", "").isBlank()) {
      throw new ConfigException("JOIN needs the cluster's join token: set JOIN_TOKEN or JOIN_TOKEN_FILE");
    }
    if (caFile.isEmpty()) {
      throw new ConfigException("JOIN needs JOIN_CA_FILE (the CA certificates of the members' API)");
    }
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
          .sslContext(ResourceFeed.sslContext(Path.of(caFile))).build();
      return Optional.of(new ClusterJoin(members, joinToken, http));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("JOIN_CA_FILE: " + e.getMessage());
    }
  }

  /** Joins (learner, catch up, voter); retries until it succeeds or the node stops. */
  public void run(RaftStoreNode store, String raftAddress) {
    String self = store.nodeId();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        NodeStatus mine = store.status();
        boolean voter = mine.members().stream().anyMatch(m -> m.id().equals(self) && m.voter());
        if (voter) {
          LOG.info("{} is a voter of the cluster", self);
          return;
        }
        boolean member = mine.members().stream().anyMatch(m -> m.id().equals(self));
        if (!member) {
          call("POST", "/gloo/v1/cluster/members", "{\"id\":\"" + self + "\",\"address\":\"" + raftAddress + "\"}");
          LOG.info("{} added as a learner; catching up", self);
        }
        JsonNode cluster = json.readTree(call("GET", "/gloo/v1/cluster/status", null));
        long commit = cluster.path("store").path("commitIndex").asLong();
        long applied = store.status().appliedIndex();
        if (commit > 0 && applied + CAUGHT_UP_ENTRIES >= commit) {
          call("POST", "/gloo/v1/cluster/members/" + self + "/promote", "");
          LOG.info("{} caught up (applied {} of {}) and promoted to voter", self, applied, commit);
          return;
        }
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        LOG.warn("joining the cluster: {}; retrying", e.getMessage());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * This node's peer certificate for mutual TLS, signed by a member (the join token authorizes
   * the request), kept in {@code dir} ({@code peer.crt}, {@code peer.key}) and reused at the next
   * start while it chains to {@code ca} and is valid. Retries for two minutes.
   */
  public NodeConfig.PeerTls peerCertificate(String nodeId, String host, X509Certificate ca, Path dir)
      throws IOException, GeneralSecurityException, InterruptedException {
    Path crt = dir.resolve("peer.crt");
    Path key = dir.resolve("peer.key");
    if (Files.exists(crt) && Files.exists(key)) {
      X509Certificate cert = Pki.readCerts(crt)[0];
      try {
        cert.verify(ca.getPublicKey());
        cert.checkValidity();
        return new NodeConfig.PeerTls(Pki.readKey(key), cert, List.of(ca));
      } catch (GeneralSecurityException stale) {
        LOG.info("the stored peer certificate is not valid for the cluster CA ({}); asking for a new one",
            stale.getMessage());
      }
    }
    KeyPair pair = Pki.ecKey();
    String body = json.writeValueAsString(json.createObjectNode().put("id", nodeId).put("host", host)
        .put("publicKey", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())));
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        X509Certificate cert = Pki.parseCerts(json.readTree(call("POST", "/gloo/v1/cluster/peer-certificate", body))
            .path("certificate").asText()).get(0);
        cert.verify(ca.getPublicKey()); // a member of another cluster cannot hand us its CA's certificate
        Files.createDirectories(dir);
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Pki.writePem(key, pair.getPrivate());
        Pki.writePem(crt, cert);
        LOG.info("peer certificate for {} signed by the cluster CA", nodeId);
        return new NodeConfig.PeerTls(pair.getPrivate(), cert, List.of(ca));
      } catch (IOException | IndexOutOfBoundsException | GeneralSecurityException e) {
        if (System.nanoTime() > deadline) {
          throw new ConfigException("no member signed this node's peer certificate: " + e.getMessage());
        }
        LOG.warn("asking for a peer certificate: {}; retrying", e.getMessage());
        Thread.sleep(2000);
      }
    }
  }

  /** One request to the first member that answers; a 4xx/5xx is an error with its message. */
  private String call(String method, String path, String body) throws IOException, InterruptedException {
    IOException last = null;
    for (URI member : members) {
      HttpRequest.Builder b = HttpRequest.newBuilder(member.resolve(path)).timeout(Duration.ofSeconds(20))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return r.body();
        }
        last = new IOException(member + " answered " + r.statusCode() + ": " + r.body());
      } catch (IOException e) {
        last = new IOException(member + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }
}
