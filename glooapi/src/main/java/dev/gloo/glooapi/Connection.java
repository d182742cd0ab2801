package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.gloo.api.client.PemTrust;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Requests to the control nodes with failover: a request goes to the node that answered last
 * (the first one at the start) and moves on to the next when a node cannot be reached or
 * answers 5xx, so one dead or lagging node never fails a command. Any node can serve any
 * request: writes go through Raft from every node and reads are linearizable on every node.
 *
 * <p>4xx answers are the caller's problem and are not retried elsewhere: every node would say
 * the same.
 */
public final class Connection {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Servers servers;
  private final Duration requestTimeout;
  private final Map<URI, HttpClient> clients = new HashMap<>();
  /** Index of the node that answered last; later requests start there. */
  private int preferred;

  public Connection(Servers servers, Duration requestTimeout) {
    this.servers = servers;
    this.requestTimeout = requestTimeout;
  }

  public Servers servers() {
    return servers;
  }

  /** An answer and the node that gave it. */
  public record Response(URI node, int code, String contentType, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new CliException(node + " answered with a body that is not JSON: " + text().lines().findFirst().orElse(""));
      }
    }
  }

  /** A request without a body, accepting JSON. */
  public Response get(String path) {
    return send("GET", path, "application/json", null, null);
  }

  /** Sends with failover and turns an error answer into a {@link ServerError}. */
  public Response call(String method, String path, String accept, String contentType, byte[] body) {
    Response r = send(method, path, accept, contentType, body);
    if (r.code() >= 400) {
      throw error(r);
    }
    return r;
  }

  /**
   * Sends with failover over connection failures and 5xx; returns the first other answer (2xx
   * to 4xx) as it is.
   *
   * @throws CliException naming every node's failure when none answered
   */
  public Response send(String method, String path, String accept, String contentType, byte[] body) {
    List<String> failures = new ArrayList<>();
    Response last5xx = null;
    int n = servers.endpoints().size();
    for (int i = 0; i < n; i++) {
      int idx = (preferred + i) % n;
      Endpoint e = servers.endpoints().get(idx);
      try {
        HttpResponse<byte[]> resp = client(e).send(request(e, method, path, accept, contentType, body)
            .timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        Response r = new Response(e.url(), resp.statusCode(),
            resp.headers().firstValue("Content-Type").orElse(""), resp.body());
        if (r.code() >= 500) {
          last5xx = r;
          failures.add(e.url() + ": " + describe(r));
          continue;
        }
        preferred = idx;
        return r;
      } catch (IOException ex) {
        failures.add(e.url() + ": " + describe(ex));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
    if (n == 1 && last5xx != null) {
      throw error(last5xx);
    }
    throw new CliException(unreachable(method, path, failures));
  }

  /**
   * Opens a streaming GET (a watch) on the first node that answers 200, with failover like
   * {@link #send}; a 4xx is thrown as a {@link ServerError}.
   */
  public Stream stream(String path, String accept) {
    List<String> failures = new ArrayList<>();
    int n = servers.endpoints().size();
    for (int i = 0; i < n; i++) {
      int idx = (preferred + i) % n;
      Endpoint e = servers.endpoints().get(idx);
      try {
        HttpResponse<InputStream> resp = client(e).send(request(e, "GET", path, accept, null, null).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() == 200) {
          preferred = idx;
          return new Stream(e.url(), resp.body(), resp.headers());
        }
        byte[] body;
        try (InputStream in = resp.body()) {
          body = in.readNBytes(64 * 1024);
        }
        Response r = new Response(e.url(), resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), body);
        if (r.code() < 500) {
          throw error(r);
        }
        failures.add(e.url() + ": " + describe(r));
      } catch (IOException ex) {
        failures.add(e.url() + ": " + describe(ex));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
    throw new CliException(unreachable("GET", path, failures));
  }

  /** An open response body and the node that serves it. */
  public record Stream(URI node, InputStream body, java.net.http.HttpHeaders headers) {}

  /** The same request sent to one given node, without failover (for per-node questions). */
  public Response sendTo(Endpoint e, String path) throws IOException, InterruptedException {
    return sendTo(e, "GET", path);
  }

  /** {@code method path} sent to one given node, without failover (for what only that node can do). */
  public Response sendTo(Endpoint e, String method, String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> resp = client(e).send(request(e, method, path, "application/json", null, null)
        .timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Response(e.url(), resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), resp.body());
  }

  private static String unreachable(String method, String path, List<String> failures) {
    String what = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    return "no server could answer " + method + " " + what + ": " + String.join("; ", failures);
  }

  /** The server's Status, as one line. */
  public static ServerError error(Response r) {
    Status s = status(r);
    return new ServerError(r.node(), r.code(), s.reason(), s.message());
  }

  private record Status(String reason, String message) {}

  private static Status status(Response r) {
    try {
      JsonNode s = JSON.readTree(r.body());
      if (s != null && "Status".equals(s.path("kind").asText())) {
        return new Status(s.path("reason").asText("HTTP " + r.code()), statusMessage(s));
      }
    } catch (IOException notJson) {
      // keep the raw text: it is all the node said
    }
    String text = r.text().strip().replaceAll("\\s+", " ");
    return new Status("HTTP " + r.code(), text.length() > 300 ? text.substring(0, 300) + "..." : text);
  }

  /** kubectl's rendering: the message, then each cause as {@code field: message}. */
  static String statusMessage(JsonNode status) {
    String message = status.path("message").asText("");
    JsonNode causes = status.path("details").path("causes");
    List<String> parts = new ArrayList<>();
    for (JsonNode c : causes) {
      String cause = c.path("message").asText("");
      // Servers often repeat the causes in the message already.
      if (!cause.isEmpty() && !message.contains(cause)) {
        String field = c.path("field").asText("");
        parts.add((field.isEmpty() ? "" : field + ": ") + cause);
      }
    }
    return parts.isEmpty() ? message : message + (message.isEmpty() ? "" : ": ") + String.join("; ", parts);
  }

  private static String describe(Response r) {
    Status s = status(r);
    return r.code() + " " + s.reason() + ": " + s.message();
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    if (e instanceof javax.net.ssl.SSLException || e.getCause() instanceof javax.net.ssl.SSLException) {
      Throwable t = e instanceof javax.net.ssl.SSLException ? e : e.getCause();
      return "TLS failed (" + t.getMessage() + "); check the CA (--certificate-authority)";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private HttpRequest.Builder request(Endpoint e, String method, String path, String accept, String contentType,
      byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.url() + path))
        .header("User-Agent", "glooapi")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (servers.token() != null) {
      b.header("Authorization", "Bearer " + servers.token());
    }
    return b;
  }

  private synchronized HttpClient client(Endpoint e) {
    return clients.computeIfAbsent(e.url(), u -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3))
        .sslContext(sslContext(e))
        .build());
  }

  static SSLContext sslContext(Endpoint e) {
    try {
      if (e.insecure()) {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        return ctx;
      }
      if (e.caPem() == null) {
        return SSLContext.getDefault();
      }
      return PemTrust.sslContext(e.caPem());
    } catch (IllegalArgumentException | GeneralSecurityException ex) {
      throw new CliException("cannot load the CA certificates for " + e.url() + ": " + ex.getMessage());
    }
  }

  /** Only for {@code --insecure-skip-tls-verify}, which the user asks for by name. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
