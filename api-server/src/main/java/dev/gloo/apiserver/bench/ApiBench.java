package dev.gloo.apiserver.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop benchmark of the HTTP API: N workers spread round-robin over the given servers,
 * each keeping one request outstanding; {@code create} POSTs 2 KiB HTTPRoutes with fresh names,
 * {@code update} PUTs each worker's own route with the resourceVersion it last saw. Prints a
 * table and one {@code RESULT} line per level (the same shape as the store benchmark, so the
 * two compare as a ratio).
 *
 * <pre>
 *   ApiBench --servers https://127.0.0.1:6441,... --token-file data/admin.token
 *            [--concurrency 16,64] [--duration 20] [--warmup 10] [--modes create,update]
 * </pre>
 */
public final class ApiBench {
  private static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");

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
    HttpClient http = client();
    String padding = "x".repeat(1700);
    long run = System.currentTimeMillis() % 1_000_000;
    List<String> results = new ArrayList<>();
    for (String mode : modes) {
      for (int c : concurrency) {
        String prefix = "b" + run + "-" + mode.charAt(0) + c + "-";
        Worker[] workers = new Worker[c];
        for (int w = 0; w < c; w++) {
          workers[w] = new Worker(http, servers.get(w % servers.size()), token, mode, prefix + w, padding);
          if (mode.equals("update")) {
            workers[w].createOwn();
          }
        }
        long begin = System.nanoTime();
        long measureStart = begin + (long) (warmup * 1e9);
        long end = measureStart + (long) (duration * 1e9);
        CountDownLatch done = new CountDownLatch(c);
        for (Worker w : workers) {
          w.start(measureStart, end, done);
        }
        done.await((long) (warmup + duration + 30), TimeUnit.SECONDS);
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
          }
        }
        long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        double secs = (last - measureStart) / 1e9;
        String line = String.format("RESULT api %s concurrency=%d ops_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d",
            mode, c, sorted.length / secs, pct(sorted, 50), pct(sorted, 99), errors);
        System.out.println(line);
        if (firstError != null) {
          System.out.println("  first error: " + firstError);
        }
        results.add(String.format("%-7s %5d %10.0f %9.2f %9.2f %7d", mode, c, sorted.length / secs,
            pct(sorted, 50), pct(sorted, 99), errors));
      }
    }
    System.out.printf("%napi: %d servers, 2 KiB HTTPRoutes, %.0f s measured after %.0f s warm-up%n",
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

  private static final class Worker {
    private final HttpClient http;
    private final String server;
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
    private long measureStart;
    private long end;
    private CountDownLatch done;

    Worker(HttpClient http, String server, String token, String mode, String name, String padding) {
      this.http = http;
      this.server = server;
      this.token = token;
      this.mode = mode;
      this.name = name;
      this.padding = padding;
    }

    private String route(String n, String rv) {
      return "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"" + n
          + "\"" + (rv == null ? "" : ",\"resourceVersion\":\"" + rv + "\"")
          + ",\"annotations\":{\"bench/padding\":\"" + padding + "\"}},\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}],"
          + "\"hostnames\":[\"h" + (seq % 1000) + ".example.com\"]}}";
    }

    private HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create(server + "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes" + path))
          .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json");
    }

    void createOwn() throws Exception {
      HttpResponse<String> r = http.send(request("").POST(HttpRequest.BodyPublishers.ofString(route(name, null))).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = RV.matcher(r.body());
      if (r.statusCode() != 201 || !m.find()) {
        throw new IllegalStateException("cannot create " + name + ": " + r.statusCode() + " " + r.body());
      }
      resourceVersion = m.group(1);
    }

    void start(long measureStart, long end, CountDownLatch done) {
      this.measureStart = measureStart;
      this.end = end;
      this.done = done;
      next();
    }

    private void next() {
      long t0 = System.nanoTime();
      if (t0 - end >= 0) {
        done.countDown();
        return;
      }
      seq++;
      CompletableFuture<HttpResponse<String>> f = mode.equals("create")
          ? http.sendAsync(request("").POST(HttpRequest.BodyPublishers.ofString(route(name + "-" + seq, null))).build(),
              HttpResponse.BodyHandlers.ofString())
          : http.sendAsync(request("/" + name).PUT(HttpRequest.BodyPublishers.ofString(route(name, resourceVersion))).build(),
              HttpResponse.BodyHandlers.ofString());
      f.whenComplete((r, e) -> {
        record(t0, r, e);
        next();
      });
    }

    private synchronized void record(long t0, HttpResponse<String> r, Throwable e) {
      long t1 = System.nanoTime();
      boolean ok = e == null && r.statusCode() < 300;
      if (ok && mode.equals("update")) {
        Matcher m = RV.matcher(r.body());
        if (m.find()) {
          resourceVersion = m.group(1);
        }
      }
      if (!ok && firstError == null) {
        firstError = e != null ? e.toString() : r.statusCode() + " " + r.body();
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
  }

  private static HttpClient client() throws Exception {
    return HttpClient.newBuilder().sslContext(LoopbackTls.trustAll()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }
}
