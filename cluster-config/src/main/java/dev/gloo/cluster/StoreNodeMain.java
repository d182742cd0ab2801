package dev.gloo.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gloo.store.StoreException;
import dev.gloo.store.raft.RaftStoreNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one store node as a process: {@code --env-file FILE} and {@code --set KEY=VALUE}
 * overrides. Its admin port answers {@code /healthz} (the process is up), {@code /readyz} (a
 * linearizable read succeeds, so the node has a leader and has caught up) and {@code /status}
 * (JSON: role, term, indices, members). It stops cleanly on SIGTERM.
 */
public final class StoreNodeMain {
  private static final Logger LOG = LoggerFactory.getLogger(StoreNodeMain.class);

  private StoreNodeMain() {}

  public static void main(String[] args) throws Exception {
    NodeSettings settings;
    try {
      settings = NodeSettings.from(parseArgs(args));
    } catch (ConfigException | IOException e) {
      System.err.println("gloo-control: " + e.getMessage());
      System.exit(2);
      return;
    }
    RaftStoreNode node;
    try {
      node = RaftStoreNode.start(settings.store());
    } catch (StoreException e) {
      System.err.println("gloo-control: " + e.getMessage());
      System.exit(1);
      return;
    }
    HttpServer admin = startAdmin(settings, node);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping node {}", settings.store().nodeId());
      admin.stop(0);
      node.close();
      stopped.countDown();
    }, "shutdown"));
    LOG.info("node {} started: raft {}, admin {}, data {}", settings.store().nodeId(),
        settings.store().raftAddress(), settings.adminAddress(), settings.store().dataDir());
    stopped.await();
  }

  /** {@code --env-file FILE} and {@code --set KEY=VALUE} arguments, later ones winning. */
  public static Map<String, String> parseArgs(String[] args) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--env-file" -> {
          if (i + 1 >= args.length) {
            throw new ConfigException("--env-file needs a file");
          }
          env.putAll(EnvFile.read(Path.of(args[++i])));
        }
        case "--set" -> {
          if (i + 1 >= args.length || !args[i + 1].contains("=")) {
            throw new ConfigException("--set needs KEY=VALUE");
          }
          String kv = args[++i];
          overrides.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        default -> throw new ConfigException("unknown argument " + args[i]
            + " (usage: gloo-control --env-file FILE [--set KEY=VALUE]...)");
      }
    }
    env.putAll(overrides);
    return env;
  }

  private static HttpServer startAdmin(NodeSettings settings, RaftStoreNode node) throws IOException {
    ObjectMapper json = new ObjectMapper().registerModule(new Jdk8Module())
        .enable(SerializationFeature.INDENT_OUTPUT);
    HttpServer server = HttpServer.create(
        new InetSocketAddress(settings.adminAddress().host(), settings.adminAddress().port()), 16);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/healthz", ex -> reply(ex, 200, "ok\n"));
    server.createContext("/readyz", ex -> {
      try {
        node.revision();
        reply(ex, 200, "ok\n");
      } catch (StoreException e) {
        reply(ex, 503, "not ready: " + e.getMessage() + "\n");
      }
    });
    server.createContext("/status", ex -> {
      try {
        reply(ex, 200, json.writeValueAsString(node.status()) + "\n");
      } catch (RuntimeException e) {
        reply(ex, 503, "status unavailable: " + e.getMessage() + "\n");
      }
    });
    server.start();
    return server;
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type",
        body.startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
