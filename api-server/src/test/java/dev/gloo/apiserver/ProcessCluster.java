package dev.gloo.apiserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code gloo-control} processes (separate JVMs, started from env files as a user would)
 * on loopback ports, and a kubeconfig with one context per node. {@link #close()} kills every
 * process it started and waits for it, also when the test failed.
 */
public final class ProcessCluster implements AutoCloseable {
  public final Path dir;
  public final String clusterId = UUID.randomUUID().toString();
  final Map<String, Integer> raftPorts = new LinkedHashMap<>();
  final Map<String, Integer> adminPorts = new LinkedHashMap<>();
  final Map<String, Integer> apiPorts = new LinkedHashMap<>();
  final Map<String, Integer> xdsPorts = new LinkedHashMap<>();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public ProcessCluster(Path dir, int size) throws IOException {
    this.dir = dir;
    for (int i = 1; i <= size; i++) {
      String id = "node" + i;
      raftPorts.put(id, freePort());
      adminPorts.put(id, freePort());
      apiPorts.put(id, freePort());
      xdsPorts.put(id, freePort());
    }
    Files.writeString(dir.resolve("admin.token"), "test-token-" + UUID.randomUUID() + "\n");
    StringBuilder cluster = new StringBuilder();
    raftPorts.forEach((id, port) -> cluster.append(cluster.length() == 0 ? "" : ",")
        .append(id).append("=127.0.0.1:").append(port));
    for (String id : raftPorts.keySet()) {
      Files.writeString(envFile(id), String.join("\n",
          "NODE_ID=" + id,
          "CLUSTER_ID=" + clusterId,
          "DATA_DIR=" + dir.resolve(id),
          "RAFT_ADDRESS=127.0.0.1:" + raftPorts.get(id),
          "INITIAL_CLUSTER=" + cluster,
          "ADMIN_ADDRESS=127.0.0.1:" + adminPorts.get(id),
          "API_ADDRESS=127.0.0.1:" + apiPorts.get(id),
          "XDS_ADDRESS=127.0.0.1:" + xdsPorts.get(id),
          "EXTAUTH_SOCKET=" + dir.resolve("extauth.sock"),
          "TOKEN_FILE=" + dir.resolve("admin.token")) + "\n");
    }
  }

  /**
   * Adds a node that is not an initial member (no INITIAL_CLUSTER): its own ports and data
   * directory, the cluster's admin token, and {@code settings} over those defaults (e.g.
   * {@code JOIN}, or another {@code CLUSTER_ID}). Start it with {@link #start}; {@link #close}
   * stops it with the others.
   */
  public void addNode(String id, Map<String, String> settings) throws IOException {
    if (!raftPorts.containsKey(id)) { // adding it again rewrites its env file, same ports
      raftPorts.put(id, freePort());
      adminPorts.put(id, freePort());
      apiPorts.put(id, freePort());
      xdsPorts.put(id, freePort());
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("NODE_ID", id);
    env.put("CLUSTER_ID", clusterId);
    env.put("DATA_DIR", dir.resolve(id).toString());
    env.put("RAFT_ADDRESS", raftAddress(id));
    env.put("ADMIN_ADDRESS", "127.0.0.1:" + adminPorts.get(id));
    env.put("API_ADDRESS", "127.0.0.1:" + apiPorts.get(id));
    env.put("XDS_ADDRESS", "127.0.0.1:" + xdsPorts.get(id));
    env.put("EXTAUTH_SOCKET", dir.resolve("extauth.sock").toString());
    env.put("TOKEN_FILE", dir.resolve("admin.token").toString());
    env.putAll(settings);
    StringBuilder text = new StringBuilder();
    env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Files.writeString(envFile(id), text);
  }

  /** The {@code host:port} of node {@code id}'s Raft port. */
  public String raftAddress(String id) {
    return "127.0.0.1:" + raftPorts.get(id);
  }

  /** Adds a setting to every node's env file (before the nodes start). */
  public void addSetting(String line) throws IOException {
    for (String id : raftPorts.keySet()) {
      Files.writeString(envFile(id), line + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
  }

  public Path envFile(String id) {
    return dir.resolve(id + ".env");
  }

  public List<String> ids() {
    return List.copyOf(raftPorts.keySet());
  }

  public void startAll() throws Exception {
    for (String id : ids()) {
      start(id);
    }
    for (String id : ids()) {
      awaitReady(id);
    }
    writeKubeconfig();
  }

  public void start(String id) throws IOException {
    Process p = command(envFile(id)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".log").toFile())).start();
    processes.put(id, p);
  }

  public static ProcessBuilder command(Path env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx384m", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
        "-cp", System.getProperty("java.class.path"), GlooControl.class.getName(), "--env-file", env.toString());
  }

  public void kill(String id) throws InterruptedException {
    Process p = processes.remove(id);
    if (p != null) {
      p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }

  public void awaitReady(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!processes.get(id).isAlive()) {
        throw new AssertionError(id + " exited: " + log(id));
      }
      try {
        if (admin(id, "/readyz").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " not ready: " + log(id));
  }

  public String log(String id) {
    try {
      return Files.readString(dir.resolve(id + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  public HttpResponse<String> admin(String id, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(id) + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The API base URL of node {@code id}, e.g. {@code https://127.0.0.1:6443}. */
  public String apiUrl(String id) {
    return "https://127.0.0.1:" + apiPorts.get(id);
  }

  /** The ADS port of node {@code id}. */
  public int xdsPort(String id) {
    return xdsPorts.get(id);
  }

  /** The admin bearer token every node accepts. */
  public String token() throws IOException {
    return Files.readString(dir.resolve("admin.token")).strip();
  }

  /** The CA certificate (PEM) that signed node {@code id}'s API certificate. */
  public Path caFile(String id) {
    return dir.resolve(id).resolve("tls").resolve("ca.crt");
  }

  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
  }

  private void writeKubeconfig() throws IOException {
    StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
    for (String id : ids()) {
      String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(id).resolve("tls").resolve("ca.crt")));
      y.append("- name: ").append(id).append("\n  cluster:\n    server: https://127.0.0.1:").append(apiPorts.get(id))
          .append("\n    certificate-authority-data: ").append(ca).append("\n");
    }
    y.append("users:\n- name: admin\n  user:\n    token: ")
        .append(Files.readString(dir.resolve("admin.token")).strip()).append("\ncontexts:\n");
    for (String id : ids()) {
      y.append("- name: ").append(id).append("\n  context: {cluster: ").append(id).append(", user: admin, namespace: default}\n");
    }
    y.append("current-context: node1\n");
    Files.writeString(kubeconfig(), y.toString());
  }

  /** Runs kubectl against {@code context}; returns exit code and combined output. */
  public Result kubectl(String context, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig().toString(),
        "--context", context, "--cache-dir", dir.resolve("kube-cache").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  public record Result(int code, String out) {}

  /** Whether the {@code members} of a node's status list {@code id}. */
  public static boolean isMember(com.fasterxml.jackson.databind.JsonNode members, String id) {
    for (com.fasterxml.jackson.databind.JsonNode m : members) {
      if (m.path("id").asText().equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the {@code members} of a node's status list {@code id} as a voter. */
  public static boolean isVoter(com.fasterxml.jackson.databind.JsonNode members, String id) {
    for (com.fasterxml.jackson.databind.JsonNode m : members) {
      if (m.path("id").asText().equals(id) && m.path("voter").asBoolean()) {
        return true;
      }
    }
    return false;
  }

  /** Ports handed out in this JVM: the kernel may offer a just-closed port again. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free loopback port, never the same twice in this JVM (one node's ports must differ). */
  public static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
