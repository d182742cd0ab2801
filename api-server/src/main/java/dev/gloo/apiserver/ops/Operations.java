package dev.gloo.apiserver.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.apiserver.http.OperationsApi;
import dev.gloo.apiserver.objects.ApiException;
import dev.gloo.cluster.NodeSettings;
import dev.gloo.store.raft.RaftStoreNode;
import dev.gloo.store.raft.SnapshotArchive;
import dev.gloo.translator.GatewayResources;
import dev.gloo.translator.TranslationResult;
import dev.gloo.translator.envoy.EnvoyYaml;
import dev.gloo.translator.model.NsName;
import dev.gloo.xds.XdsServer;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node's operator endpoints ({@code /gloo/v1/...}): the Envoy configuration a Gateway gets
 * from this node, this node's view of the cluster, and where it serves xDS.
 */
public final class Operations implements OperationsApi {
  private final RaftStoreNode store;
  private final XdsServer xds;
  private final NodeSettings.HostPort xdsAddress;
  private final Supplier<TranslationResult> latest;
  private final ObjectMapper json;
  private final Membership membership;

  public Operations(RaftStoreNode store, XdsServer xds, NodeSettings.HostPort xdsAddress,
      Supplier<TranslationResult> latest, ObjectMapper json, java.util.Optional<dev.gloo.cluster.PeerTls.Signer> peerSigner) {
    this.store = store;
    this.xds = xds;
    this.xdsAddress = xdsAddress;
    this.latest = latest;
    this.json = json;
    this.membership = new Membership(store, json, peerSigner);
  }

  @Override
  public Response handle(String method, String path, Map<String, String[]> query, byte[] body) {
    if (!method.equals("GET")) {
      return membership.handle(method, path, query, body);
    }
    switch (path) {
      case "/envoy/config":
        return envoyConfig(query);
      case "/cluster/status": {
        ObjectNode out = json.createObjectNode();
        out.set("store", json.valueToTree(store.status()));
        out.set("xds", json.valueToTree(xds.stats()));
        return json(out);
      }
      case "/cluster/snapshot":
        return snapshot();
      case "/cluster/xds": {
        ObjectNode out = json.createObjectNode();
        out.put("address", xdsAddress.host() + ":" + xds.port());
        out.put("nodeId", store.nodeId());
        return json(out);
      }
      default:
        throw new ApiException(404, "NotFound", "no operator endpoint /gloo/v1" + path, null);
    }
  }

  /**
   * A backup of the store ({@link dev.gloo.store.raft.SnapshotArchive}), written to a file under
   * the data directory first so that its SHA-256 can go in a header before the body.
   */
  private Response snapshot() {
    java.nio.file.Path file = store.config().dataDir().resolve("backup-tmp")
        .resolve("snapshot-" + java.util.UUID.randomUUID() + ".zip");
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      java.security.MessageDigest digest = SnapshotArchive.sha256();
      SnapshotArchive.Info info;
      try (java.io.OutputStream out = new java.security.DigestOutputStream(
          new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file)), digest)) {
        info = store.backup(out);
      }
      return Response.temporaryFile("application/zip", file, Map.of(
          "X-Gloo-Snapshot-Sha256", java.util.HexFormat.of().formatHex(digest.digest()),
          "X-Gloo-Snapshot-Revision", Long.toString(info.revision()),
          "Content-Disposition", "attachment; filename=\"gloo-snapshot-" + info.revision() + ".zip\""));
    } catch (IOException | RuntimeException e) {
      try {
        java.nio.file.Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the failure below is what the caller needs to see
      }
      if (e instanceof dev.gloo.store.StoreUnavailableException u) {
        throw ApiException.unavailable(u.getMessage());
      }
      throw new ApiException(500, "InternalError", "cannot write the snapshot: " + e.getMessage(), null);
    }
  }

  private Response envoyConfig(Map<String, String[]> query) {
    String[] gateway = query.get("gateway");
    if (gateway == null || gateway.length != 1) {
      throw ApiException.badRequest("query parameter gateway=NAMESPACE/NAME is required");
    }
    NsName name;
    try {
      name = NsName.parse(gateway[0]);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("gateway: " + e.getMessage());
    }
    TranslationResult result = latest.get();
    GatewayResources r = result == null ? null : result.gateways().get(name);
    if (r == null) {
      throw new ApiException(404, "NotFound", "Gateway " + name + " is not translated by this controller"
          + " (missing, or its GatewayClass is not ours)", null);
    }
    return new Response(200, "application/yaml", EnvoyYaml.toYaml(redacted(r)).getBytes(StandardCharsets.UTF_8));
  }

  /** The resources with private keys replaced: operators see which secret is used, not its key. */
  static GatewayResources redacted(GatewayResources r) {
    return new GatewayResources(r.listeners(), r.routes(), r.clusters(), r.endpoints(), r.secrets().stream()
        .map(s -> s.toBuilder().setTlsCertificate(s.getTlsCertificate().toBuilder()
            .setPrivateKey(DataSource.newBuilder().setInlineString("[redacted]"))).build())
        .toList());
  }

  private Response json(ObjectNode out) {
    try {
      return new Response(200, "application/json", json.writeValueAsBytes(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
