package dev.gloo.api.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An in-process HTTPS stand-in for a control node serving one collection: the test decides what
 * the list returns and pushes watch lines one by one. Certificates come from the JDK's keytool.
 */
final class FakeNode implements AutoCloseable {
  static final String PATH = "/apis/enterprise.gloo.solo.io/v1/authconfigs";
  static final String END = "<end of stream>";

  /** Requests seen, as {@code path?query} with the Authorization header after a space. */
  final List<String> requests = new CopyOnWriteArrayList<>();
  final BlockingQueue<String> watchLines = new LinkedBlockingQueue<>();
  volatile String listBody = "{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}";
  volatile int failWith;
  /** Watches answered with 200. */
  final java.util.concurrent.atomic.AtomicInteger servedWatches = new java.util.concurrent.atomic.AtomicInteger();
  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  FakeNode(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.setExecutor(executor);
    server.createContext(PATH, this::handle);
    server.start();
  }

  URI url() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    String query = ex.getRequestURI().getRawQuery();
    requests.add(ex.getRequestURI().getPath() + (query == null ? "" : "?" + query) + " "
        + ex.getRequestHeaders().getFirst("Authorization"));
    try (ex) {
      if (failWith != 0) {
        byte[] body = "{\"kind\":\"Status\",\"code\":503}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(failWith, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      if (query == null || !query.contains("watch=true")) {
        byte[] body = listBody.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      ex.sendResponseHeaders(200, 0);
      servedWatches.incrementAndGet();
      OutputStream out = ex.getResponseBody();
      while (true) {
        String line = watchLines.poll(100, TimeUnit.MILLISECONDS);
        if (line == null) {
          continue;
        }
        if (line.equals(END)) {
          return;
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long watchCount() {
    return requests.stream().filter(r -> r.contains("watch=true")).count();
  }

  long listCount() {
    return requests.stream().filter(r -> !r.contains("watch=true")).count();
  }

  @Override
  public void close() {
    watchLines.add(END);
    server.stop(0);
    executor.shutdownNow();
  }

  static String object(String ns, String name, long rv) {
    return "{\"apiVersion\":\"enterprise.gloo.solo.io/v1\",\"kind\":\"AuthConfig\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"" + ns + "\",\"resourceVersion\":\"" + rv + "\"},\"spec\":{}}";
  }

  static String event(String type, String object) {
    return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
  }

  /** A self-signed key pair for 127.0.0.1 in a PKCS#12 store, and its certificate as PEM. */
  static KeyStore keyStore(Path dir, String name) throws Exception {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "node", "-keystore", store.toString(), "-storepass", "changeit",
        "-file", dir.resolve(name + ".crt").toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    return ks;
  }

  private static void keytool(String... args) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("keytool " + String.join(" ", args) + ": " + out);
    }
  }
}
