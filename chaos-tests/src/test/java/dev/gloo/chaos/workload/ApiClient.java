package dev.gloo.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A plain HTTPS client of the Kubernetes-style API, trusting every node's CA. A request that
 * does not answer within the timeout throws (the caller records it as indeterminate).
 */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Function<String, String> baseUrl;
  private final String token;
  private final Duration timeout;

  public record Response(int status, JsonNode body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  public ApiClient(List<Path> caFiles, Function<String, String> baseUrl, String token, Duration timeout)
      throws IOException, GeneralSecurityException {
    this.baseUrl = baseUrl;
    this.token = token;
    this.timeout = timeout;
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    int i = 0;
    for (Path ca : caFiles) {
      try (InputStream in = Files.newInputStream(ca)) {
        for (var cert : cf.generateCertificates(in)) {
          trust.setCertificateEntry("ca" + i++, cert);
        }
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
  }

  public Response get(String node, String path) throws IOException, InterruptedException {
    return send(node, "GET", path, null);
  }

  public Response post(String node, String path, JsonNode body) throws IOException, InterruptedException {
    return send(node, "POST", path, body);
  }

  public Response put(String node, String path, JsonNode body) throws IOException, InterruptedException {
    return send(node, "PUT", path, body);
  }

  /** DELETE with a resourceVersion precondition (Kubernetes DeleteOptions), or none when null. */
  public Response delete(String node, String path, String resourceVersion) throws IOException, InterruptedException {
    ObjectNode opts = null;
    if (resourceVersion != null) {
      opts = JSON.createObjectNode().put("kind", "DeleteOptions").put("apiVersion", "v1");
      opts.putObject("preconditions").put("resourceVersion", resourceVersion);
    }
    return send(node, "DELETE", path, opts);
  }

  private Response send(String node, String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl.apply(node) + path)).timeout(timeout)
        .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json;
    try {
      json = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      json = JSON.getNodeFactory().textNode(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return new Response(r.statusCode(), json);
  }
}
