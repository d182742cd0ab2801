package dev.gloo.apiserver.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Closed-loop benchmark of the HTTP API: N workers spread round-robin over the given servers,
 * each a thread with its own keep-alive HTTPS connection and one request outstanding;
 * {@code create} POSTs 2 KiB HTTPRoutes with fresh names, {@code update} PUTs each worker's own
 * route with the resourceVersion it last saw. Prints a table and one {@code RESULT} line per
 * level (the same shape as the store benchmark, so the two compare as a ratio).
 *
 * <p>The workers speak plain HTTP/1.1 over blocking TLS sockets, as the store benchmark's
 * workers speak their socket protocol: on a machine the callers share with the nodes, a heavy
 * client would take CPU from the very thing measured.
 *
 * <pre>
 *   ApiBench --servers https://127.0.0.1:6441,... --token-file data/admin.token
 *            [--concurrency 16,64] [--duration 20] [--warmup 10] [--modes create,update]
 * </pre>
 */
public final class ApiBench {
  private static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");
  private static final String ROUTES = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes";

  private ApiBench() {}

  public static void main(String[] args) throws Exception {
    List<String> servers = List.of();
    String token = null;
    int[] concurrency = {16, 64};
    double duration = 20;
    double warmup = 10;
    List<String> modes = List.of("create", "update");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--servers" -> servers = List.of(args[i + 1].split(","));
        case "--token-file" -> token = Files.readString(Path.of(args[i + 1])).strip();
        case "--concurrency" -> concurrency = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--duration" -> duration = Double.parseDouble(args[i + 1]);
        case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
        case "--modes" -> modes = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (servers.isEmpty() || token == null) {
      System.err.println("usage: ApiBench --servers URL[,URL...] --token-file FILE [--concurrency 16,64]"
          + " [--duration 20] [--warmup 10] [--modes create,update]");
      System.exit(2);
    }
    SSLContext tls = LoopbackTls.trustAll();
    String padding = "x".repeat(1700);
    long run = System.currentTimeMillis() % 1_000_000;
    List<String> results = new ArrayList<>();
    for (String mode : modes) {
      for (int c : concurrency) {
        String prefix = "b" + run + "-" + mode.charAt(0) + c + "-";
        Worker[] workers = new Worker[c];
        for (int w = 0; w < c; w++) {
          workers[w] = new Worker(tls, URI.create(servers.get(w % servers.size())), token, mode, prefix + w, padding);
          if (mode.equals("update")) {
            workers[w].createOwn();
          }
        }
        long measureStart = System.nanoTime() + (long) (warmup * 1e9);
        long end = measureStart + (long) (duration * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
          Thread t = new Thread(() -> w.run(measureStart, end), "bench-" + w.name);
          t.setDaemon(true);
          t.start();
          threads.add(t);
        }
        for (Thread t : threads) {
          t.join((long) ((warmup + duration + 60) * 1000));
        }
        List<Long> lat = new ArrayList<>();
        long errors = 0;
        long last = measureStart;
        String firstError = null;
        for (Worker w : workers) {
          synchronized (w) {
            lat.addAll(w.samples);
            errors += w.errors;
            last = Math.max(last, w.lastCompletion);
            firstError = firstError == null ? w.firstError : firstError;
            w.close();
          }
        }
        long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        double secs = (last - measureStart) / 1e9;
        String line = String.format(Locale.ROOT, "RESULT api %s concurrency=%d ops_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d",
            mode, c, sorted.length / secs, pct(sorted, 50), pct(sorted, 99), errors);
        System.out.println(line);
        if (firstError != null) {
          System.out.println("  first error: " + firstError);
        }
        results.add(String.format(Locale.ROOT, "%-7s %5d %10.0f %9.2f %9.2f %7d", mode, c, sorted.length / secs,
            pct(sorted, 50), pct(sorted, 99), errors));
      }
    }
    System.out.printf(Locale.ROOT, "%napi: %d servers, 2 KiB HTTPRoutes, %.0f s measured after %.0f s warm-up%n",
        servers.size(), duration, warmup);
    System.out.printf("%-7s %5s %10s %9s %9s %7s%n", "mode", "conc", "ops/s", "p50 ms", "p99 ms", "errors");
    results.forEach(System.out::println);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)] / 1e6;
  }

  /** A response: its status code and body. */
  record Response(int status, String body) {}

  /**
   * One keep-alive HTTP/1.1 connection over TLS: a request out, its whole response in
   * (Content-Length or chunked). Reconnects after the server closed it or an error.
   */
  static final class Connection implements AutoCloseable {
    private final SSLContext tls;
    private final URI server;
    private SSLSocket socket;
    private OutputStream out;
    private InputStream in;

    Connection(SSLContext tls, URI server) {
      this.tls = tls;
      this.server = server;
    }

    Response send(String method, String path, String token, byte[] body) throws IOException {
      if (socket == null) {
        socket = (SSLSocket) tls.getSocketFactory().createSocket(server.getHost(), server.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
      }
      try {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort()
            + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nAccept: application/json"
            + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return read();
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    private Response read() throws IOException {
      String status = line();
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response: " + status);
      }
      int code = Integer.parseInt(parts[1]);
      long length = -1;
      boolean chunked = false;
      boolean closeAfter = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = colon < 0 ? "" : h.substring(colon + 1).strip();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> closeAfter = value.equalsIgnoreCase("close");
          default -> { }
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (long size = Long.parseLong(line().split(";")[0].strip(), 16); size > 0;
            size = Long.parseLong(line().split(";")[0].strip(), 16)) {
          copy(size, body);
          line();
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers are not used
        }
      } else if (length >= 0) {
        copy(length, body);
      } else {
        in.transferTo(body);
        closeAfter = true;
      }
      if (closeAfter) {
        close();
      }
      return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private void copy(long n, ByteArrayOutputStream into) throws IOException {
      byte[] buf = new byte[8192];
      while (n > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          throw new EOFException("the response ended early");
        }
        into.write(buf, 0, r);
        n -= r;
      }
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("the connection closed");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      socket = null;
    }
  }

  private static final class Worker {
    private final Connection connection;
    private final String token;
    private final String mode;
    private final String name;
    private final String padding;
    private final List<Long> samples = new ArrayList<>();
    private long seq;
    private long errors;
    private long lastCompletion;
    private String firstError;
    private String resourceVersion;

    Worker(SSLContext tls, URI server, String token, String mode, String name, String padding) {
      this.connection = new Connection(tls, server);
      this.token = token;
      this.mode = mode;
      this.name = name;
      this.padding = padding;
    }

    private byte[] route(String n, String rv) {
      return ("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"" + n
          + "\"" + (rv == null ? "" : ",\"resourceVersion\":\"" + rv + "\"")
          + ",\"annotations\":{\"bench/padding\":\"" + padding + "\"}},\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}],"
          + "\"hostnames\":[\"h" + (seq % 1000) + ".example.com\"]}}").getBytes(StandardCharsets.UTF_8);
    }

    void createOwn() throws IOException {
      Response r = connection.send("POST", ROUTES, token, route(name, null));
      Matcher m = RV.matcher(r.body());
      if (r.status() != 201 || !m.find()) {
        throw new IllegalStateException("cannot create " + name + ": " + r.status() + " " + r.body());
      }
      resourceVersion = m.group(1);
    }

    void run(long measureStart, long end) {
      for (long t0 = System.nanoTime(); t0 - end < 0; t0 = System.nanoTime()) {
        seq++;
        Response r = null;
        String error = null;
        try {
          r = mode.equals("create")
              ? connection.send("POST", ROUTES, token, route(name + "-" + seq, null))
              : connection.send("PUT", ROUTES + "/" + name, token, route(name, resourceVersion));
        } catch (IOException | RuntimeException e) {
          error = e.toString();
        }
        record(t0, measureStart, r, error);
      }
    }

    private synchronized void record(long t0, long measureStart, Response r, String error) {
      long t1 = System.nanoTime();
      boolean ok = error == null && r.status() < 300;
      if (ok && mode.equals("update")) {
        Matcher m = RV.matcher(r.body());
        if (m.find()) {
          resourceVersion = m.group(1);
        }
      }
      if (!ok && firstError == null) {
        firstError = error != null ? error : r.status() + " " + r.body();
      }
      if (t0 - measureStart < 0) {
        return;
      }
      if (ok) {
        samples.add(t1 - t0);
      } else {
        errors++;
      }
      lastCompletion = t1;
    }

    synchronized void close() {
      connection.close();
    }
  }
}
