package dev.gloo.ratelimit.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics} over plain HTTP. */
public final class AdminServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "admin-http");
    t.setDaemon(true);
    return t;
  });

  public AdminServer(InetSocketAddress address, BooleanSupplier ready, Supplier<String> metrics) {
    try {
      http = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    http.setExecutor(executor);
    http.createContext("/healthz", ex -> reply(ex, 200, "ok\n"));
    http.createContext("/readyz", ex -> {
      boolean ok = ready.getAsBoolean();
      reply(ex, ok ? 200 : 503, ok ? "ok\n" : "no rate limit config from the control nodes yet\n");
    });
    http.createContext("/metrics", ex -> reply(ex, 200, metrics.get()));
    http.start();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
