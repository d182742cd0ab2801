package dev.gloo.apiserver.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.apiserver.http.OperationsApi;
import dev.gloo.apiserver.objects.ApiException;
import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.NodeSettings;
import dev.gloo.cluster.PeerTls;
import dev.gloo.cluster.Pki;
import dev.gloo.store.InvalidRequestException;
import dev.gloo.store.StoreException;
import dev.gloo.store.raft.NodeStatus;
import dev.gloo.store.raft.RaftStoreNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Membership changes through the operator API:
 *
 * <pre>
 *   POST   /gloo/v1/cluster/members                 {"id": ..., "address": "host:port"}  add a learner
 *   POST   /gloo/v1/cluster/members/ID/promote      learner to voter
 *   DELETE /gloo/v1/cluster/members/ID[?force=true] remove a member (dead or alive)
 *   POST   /gloo/v1/cluster/peer-certificate        {"id", "host", "publicKey"}  sign a joining node's peer certificate
 *   POST   /gloo/v1/cluster/leave                   this node leaves (hands leadership over first)
 *   POST   /gloo/v1/cluster/transfer-leader[?to=ID] move leadership (to another live voter without to)
 * </pre>
 *
 * <p>A removal that would leave the remaining voters without a live majority is refused unless
 * {@code force=true}: liveness is judged by whether each remaining voter's Raft port accepts a
 * connection, which is what the leader needs from it.
 */
final class Membership {
  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private final RaftStoreNode store;
  private final ObjectMapper json;
  private final java.util.Optional<PeerTls.Signer> peerSigner;

  Membership(RaftStoreNode store, ObjectMapper json, java.util.Optional<PeerTls.Signer> peerSigner) {
    this.store = store;
    this.json = json;
    this.peerSigner = peerSigner;
  }

  OperationsApi.Response handle(String method, String path, Map<String, String[]> query, byte[] body) {
    try {
      if (method.equals("POST") && path.equals("/cluster/members")) {
        JsonNode req = parse(body);
        String id = id(req.path("id").asText(""));
        String address = req.path("address").asText("");
        try {
          NodeSettings.HostPort.parse("address", address);
        } catch (ConfigException e) {
          throw ApiException.badRequest(e.getMessage());
        }
        if (member(id) == null) {
          // Ratis waits for a new member to answer before it commits the change; a node that is
          // not up would hold the request until it times out. Say so at once instead.
          if (!reachable(address)) {
            throw new ApiException(409, "Conflict", "the Raft port of " + id + " at " + address
                + " does not answer; start the node first", null);
          }
          store.addLearner(id, address);
        }
        return status();
      }
      if (method.equals("POST") && path.startsWith("/cluster/members/") && path.endsWith("/promote")) {
        String id = id(path.substring("/cluster/members/".length(), path.length() - "/promote".length()));
        store.promote(id);
        return status();
      }
      if (method.equals("DELETE") && path.startsWith("/cluster/members/")) {
        String id = id(path.substring("/cluster/members/".length()));
        remove(id, "true".equals(first(query, "force")));
        return status();
      }
      if (method.equals("POST") && path.equals("/cluster/peer-certificate")) {
        return peerCertificate(parse(body));
      }
      if (method.equals("POST") && path.equals("/cluster/leave")) {
        String self = store.nodeId();
        if (store.isLeader()) {
          String next = otherVoter(self);
          store.transferLeadership(next, Duration.ofSeconds(10));
        }
        remove(self, "true".equals(first(query, "force")));
        return status();
      }
      if (method.equals("POST") && path.equals("/cluster/transfer-leader")) {
        // Without ?to=, any other live voter: what an operator wants before maintenance on the leader.
        String to = first(query, "to") == null || first(query, "to").isEmpty()
            ? otherVoter(store.status().leaderId().orElse(store.nodeId()))
            : id(first(query, "to"));
        if (member(to) == null || !member(to).voter()) {
          throw ApiException.badRequest("to: " + to + " is not a voter of the cluster");
        }
        store.transferLeadership(to, Duration.ofSeconds(10));
        return status();
      }
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (StoreException e) {
      throw ApiException.unavailable(e.getMessage());
    }
    throw new ApiException(404, "NotFound", "no operator endpoint " + method + " /gloo/v1" + path, null);
  }

  /**
   * Signs a joining node's peer certificate: {@code {"id", "host", "publicKey"}} (the key as
   * base64 DER) answers {@code {"certificate": PEM}}. Only members holding the CA key can.
   */
  private OperationsApi.Response peerCertificate(JsonNode req) {
    String id = id(req.path("id").asText(""));
    String host = req.path("host").asText("");
    if (!host.matches("[A-Za-z0-9.:-]{1,253}")) {
      throw ApiException.badRequest("host \"" + host + "\" must be the host name or IP address of the node's Raft port");
    }
    PeerTls.Signer signer = peerSigner.orElseThrow(() -> new ApiException(409, "Conflict", store.nodeId()
        + " does not hold the cluster CA key (PEER_TLS_CA_KEY_FILE) and cannot sign peer certificates;"
        + " join through a member that does, or give the node PEER_TLS_CERT_FILE and PEER_TLS_KEY_FILE", null));
    try {
      java.security.PublicKey key = java.security.KeyFactory.getInstance("EC").generatePublic(
          new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(req.path("publicKey").asText(""))));
      com.fasterxml.jackson.databind.node.ObjectNode out = json.createObjectNode();
      out.put("certificate", Pki.pem(signer.sign(id, host, key)));
      out.put("ca", Pki.pem(signer.ca()));
      return new OperationsApi.Response(200, "application/json", json.writeValueAsBytes(out));
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      throw ApiException.badRequest("publicKey must be a base64 EC public key (X.509 DER): " + e.getMessage());
    } catch (IOException e) {
      throw new StoreException("cannot sign: " + e.getMessage());
    }
  }

  private void remove(String id, boolean force) {
    NodeStatus.Member m = member(id);
    if (m == null) {
      throw new ApiException(404, "NotFound", id + " is not a member of the cluster", null);
    }
    if (m.voter() && !force) {
      List<NodeStatus.Member> remaining = new ArrayList<>();
      for (NodeStatus.Member other : store.status().members()) {
        if (other.voter() && !other.id().equals(id)) {
          remaining.add(other);
        }
      }
      long live = remaining.stream().filter(o -> reachable(o.address())).count();
      if (remaining.isEmpty() || live <= remaining.size() / 2) {
        throw new ApiException(409, "Conflict", "removing " + id + " would leave " + live + " live of "
            + remaining.size() + " voters: no majority. Bring members back first, or force it", null);
      }
    }
    store.removeMember(id);
  }

  private String otherVoter(String self) {
    for (NodeStatus.Member m : store.status().members()) {
      if (m.voter() && !m.id().equals(self) && reachable(m.address())) {
        return m.id();
      }
    }
    throw new ApiException(409, "Conflict", "no other live voter to hand leadership to", null);
  }

  private static boolean reachable(String address) {
    NodeSettings.HostPort hp = NodeSettings.HostPort.parse("address", address);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp.host(), hp.port()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private NodeStatus.Member member(String id) {
    return store.status().members().stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
  }

  private static String id(String id) {
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest("member id \"" + id + "\" must be lower-case letters, digits and '-'");
    }
    return id;
  }

  private static String first(Map<String, String[]> query, String name) {
    String[] v = query.get(name);
    return v == null || v.length == 0 ? null : v[0];
  }

  private JsonNode parse(byte[] body) {
    try {
      JsonNode n = json.readTree(body);
      if (n == null || !n.isObject()) {
        throw ApiException.badRequest("body must be a JSON object {\"id\": ..., \"address\": \"host:port\"}");
      }
      return n;
    } catch (IOException e) {
      throw ApiException.badRequest("body is not JSON: " + e.getMessage());
    }
  }

  private OperationsApi.Response status() {
    try {
      return new OperationsApi.Response(200, "application/json", json.writeValueAsBytes(store.status()));
    } catch (IOException e) {
      throw new StoreException("cannot render status: " + e.getMessage());
    }
  }
}
