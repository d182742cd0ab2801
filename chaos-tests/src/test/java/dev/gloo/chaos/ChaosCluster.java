package dev.gloo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.chaos.nemesis.LinkProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code gloo-control} processes (one JVM each, started from env files as a user would)
 * on loopback, with a fault-injecting proxy on every directed Raft link and in front of every
 * node's API for the clients.
 *
 * <p>Why a hosts file per node: Ratis replicates the group configuration, so every node dials
 * a peer at the one address the configuration holds. To give each directed link its own proxy,
 * peers are named by host name ({@code gloo-node2:port}) and each JVM resolves those names
 * through its own {@code jdk.net.hosts.file}: on node1, {@code gloo-node2} is
 * {@code 127.0.1.2}, where the proxy of the link node1 -> node2 listens on node2's Raft port;
 * on node2 itself the name is {@code 127.0.0.1}, where it binds. Cutting one proxy cuts one
 * direction of one link, and Raft traffic and client traffic are cut independently.
 */
public final class ChaosCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<String> ids = new ArrayList<>();
  /** One more node, not in the initial cluster: it joins and is removed by the nemesis. */
  private final String spare;
  private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
  private final Map<String, Integer> apiPorts = new LinkedHashMap<>();
  private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
  private final Map<String, Integer> xdsPorts = new LinkedHashMap<>();
  /** Key "from->to": the proxy of that directed Raft link. */
  private final Map<String, LinkProxy> peerLinks = new LinkedHashMap<>();
  /** Per node: the proxy the clients reach its API through. */
  private final Map<String, LinkProxy> clientLinks = new LinkedHashMap<>();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Set<String> paused = new LinkedHashSet<>();
  private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String token = "chaos-token-" + UUID.randomUUID();
  private final String clusterId;
  private final String initialCluster;

  public ChaosCluster(Path dir, int size) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    List<String> all = new ArrayList<>();
    for (int i = 1; i <= size + 1; i++) {
      String id = "node" + i;
      all.add(id);
      raftPorts.put(id, freePort());
      apiPorts.put(id, freePort());
      adminPorts.put(id, freePort());
      xdsPorts.put(id, freePort());
    }
    ids.addAll(all.subList(0, size));
    spare = all.get(size);
    Files.writeString(dir.resolve("admin.token"), token + "\n");
    clusterId = UUID.randomUUID().toString();
    StringBuilder initial = new StringBuilder();
    for (String id : ids) {
      initial.append(initial.length() == 0 ? "" : ",").append(id).append('=').append(host(id)).append(':')
          .append(raftPorts.get(id));
    }
    initialCluster = initial.toString();
    String localName = localHostName();
    for (int from = 1; from <= all.size(); from++) {
      String f = all.get(from - 1);
      StringBuilder hosts = new StringBuilder("127.0.0.1 localhost " + localName + "\n");
      for (int to = 1; to <= all.size(); to++) {
        String t = all.get(to - 1);
        if (from == to) {
          hosts.append("127.0.0.1 ").append(host(t)).append('\n');
        } else {
          String bind = "127.0." + from + "." + to;
          hosts.append(bind).append(' ').append(host(t)).append('\n');
          peerLinks.put(f + "->" + t, new LinkProxy(f + "->" + t, bind, raftPorts.get(t),
              new InetSocketAddress("127.0.0.1", raftPorts.get(t))));
        }
      }
      Files.writeString(hostsFile(f), hosts.toString());
      writeEnv(f, f.equals(spare));
      clientLinks.put(f, new LinkProxy("client->" + f, "127.0.0.1", 0,
          new InetSocketAddress("127.0.0.1", apiPorts.get(f))));
    }
  }

  /**
   * The node's env file: a founding member lists the initial cluster; a joining one names the
   * other members' APIs instead (learner, catch up, voter), as a user adds a node.
   */
  private void writeEnv(String id, boolean joining) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "NODE_ID=" + id,
        "CLUSTER_ID=" + clusterId,
        "DATA_DIR=" + dir.resolve(id),
        "RAFT_ADDRESS=" + host(id) + ":" + raftPorts.get(id),
        "ADMIN_ADDRESS=127.0.0.1:" + adminPorts.get(id),
        "API_ADDRESS=127.0.0.1:" + apiPorts.get(id),
        "XDS_ADDRESS=127.0.0.1:" + xdsPorts.get(id),
        "EXTAUTH_SOCKET=" + dir.resolve(id + "-extauth.sock"),
        "TOKEN_FILE=" + dir.resolve("admin.token")));
    if (joining) {
      List<String> members = ids.stream().filter(m -> !m.equals(id)).toList();
      lines.add("JOIN=" + String.join(",", members.stream().map(m -> "https://127.0.0.1:" + apiPorts.get(m)).toList()));
      lines.add("JOIN_TOKEN_FILE=" + dir.resolve("admin.token"));
      lines.add("JOIN_CA_FILE=" + dir.resolve(id + "-join-ca.crt"));
    } else {
      lines.add("INITIAL_CLUSTER=" + initialCluster);
    }
    Files.writeString(envFile(id), String.join("\n", lines) + "\n");
  }

  /**
   * Makes a stopped node a newcomer: its store data is deleted (the TLS material stays, so
   * clients keep trusting it) and its env file joins through the other members.
   */
  public void resetToJoin(String id) throws IOException {
    if (isRunning(id)) {
      throw new IllegalStateException(id + " is running");
    }
    Path data = dir.resolve(id);
    for (String part : List.of("raft", "db", "snapshots", "CLUSTER_ID")) {
      deleteTree(data.resolve(part));
    }
    StringBuilder cas = new StringBuilder();
    for (String m : ids) {
      Path ca = dir.resolve(m).resolve("tls").resolve("ca.crt");
      if (!m.equals(id) && Files.exists(ca)) {
        cas.append(Files.readString(ca));
      }
    }
    Files.writeString(dir.resolve(id + "-join-ca.crt"), cas.toString());
    writeEnv(id, true);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var paths = Files.walk(p)) {
      for (Path q : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private static String host(String id) {
    return "gloo-" + id;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  public Path dir() {
    return dir;
  }

  /** The founding members; the clients and the partitions use these. */
  public List<String> ids() {
    return List.copyOf(ids);
  }

  /** The node outside the initial cluster, for joins. */
  public String spare() {
    return spare;
  }

  public Path envFile(String id) {
    return dir.resolve(id + ".env");
  }

  private Path hostsFile(String id) {
    return dir.resolve(id + ".hosts");
  }

  public Path logFile(String id) {
    return dir.resolve(id + ".log");
  }

  public String token() {
    return token;
  }

  /** The client-side URL of node {@code id}'s API: through its client proxy. */
  public String apiUrl(String id) {
    return "https://127.0.0.1:" + clientLinks.get(id).port();
  }

  public int xdsPort(String id) {
    return xdsPorts.get(id);
  }

  /** Every node's generated CA (each node makes its own): clients trust all of them. */
  public List<Path> caFiles() {
    return ids.stream().map(id -> dir.resolve(id).resolve("tls").resolve("ca.crt")).toList();
  }

  public void startAll() throws Exception {
    for (String id : ids) {
      start(id);
    }
    for (String id : ids) {
      awaitReady(id, Duration.ofSeconds(180));
    }
  }

  /**
   * Starts the node's process: by default {@code java -cp <this classpath> GlooControl}, the
   * command line of bin/gloo-control; with {@code -Dchaos.launcher=bin}, bin/gloo-control
   * itself (which rebuilds the whole distribution first when any source is newer than it, so
   * not the default in a checkout others are editing). Either way the JVM gets its hosts file.
   */
  public synchronized void start(String id) throws IOException {
    // The heap of ProcessCluster's nodes. Not SerialGC: its multi-second full collections on a
    // loaded machine cost the leader its term, which tests the machine rather than the cluster.
    String jvmFlags = "-Xmx384m -Djdk.net.hosts.file=" + hostsFile(id);
    ProcessBuilder pb;
    if ("bin".equals(System.getProperty("chaos.launcher"))) {
      Path script = Path.of(System.getProperty("chaos.root", "..")).resolve("bin").resolve("gloo-control");
      pb = new ProcessBuilder(script.toString(), "--env-file", envFile(id).toString());
      pb.environment().put("JAVA_OPTS", jvmFlags); // the script execs java, so the pid is the JVM's
    } else {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(List.of(jvmFlags.split(" ")));
      cmd.addAll(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
          "-cp", System.getProperty("java.class.path"), "dev.gloo.apiserver.GlooControl",
          "--env-file", envFile(id).toString()));
      pb = new ProcessBuilder(cmd);
    }
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()));
    processes.put(id, pb.start());
  }

  public synchronized boolean isRunning(String id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill(String id) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = processes.remove(id);
      if (p != null && paused.remove(id)) {
        signal(p, "CONT"); // a stopped process still dies on SIGKILL; CONT keeps the bookkeeping plain
      }
    }
    if (p != null) {
      p.destroyForcibly();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(id + " did not die within 30 s of SIGKILL");
      }
    }
  }

  public synchronized void pause(String id) {
    Process p = processes.get(id);
    if (p != null && p.isAlive() && paused.add(id)) {
      signal(p, "STOP");
    }
  }

  public synchronized void resume(String id) {
    Process p = processes.get(id);
    if (p != null && paused.remove(id)) {
      signal(p, "CONT");
    }
  }

  public synchronized Set<String> pausedNodes() {
    return Set.copyOf(paused);
  }

  private static void signal(Process p, String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + sig + " " + p.pid() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending SIG" + sig, e);
    }
  }

  public LinkProxy peerLink(String from, String to) {
    return peerLinks.get(from + "->" + to);
  }

  public LinkProxy clientLink(String id) {
    return clientLinks.get(id);
  }

  /** Cuts both directions of the Raft link between two nodes. */
  public void cutPeers(String a, String b) {
    peerLink(a, b).cut();
    peerLink(b, a).cut();
  }

  public void healNetwork() {
    peerLinks.values().forEach(LinkProxy::heal);
    clientLinks.values().forEach(LinkProxy::heal);
  }

  public void awaitReady(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isRunning(id)) {
        throw new IllegalStateException(id + " exited; see " + logFile(id));
      }
      try {
        if (adminGet(id, "/readyz").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(id + " not ready within " + timeout + "; see " + logFile(id));
  }

  public HttpResponse<String> adminGet(String id, String path) throws IOException, InterruptedException {
    return admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(id) + path))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code /status} of a running, unpaused node, or empty when it does not answer. */
  public Optional<JsonNode> status(String id) {
    if (!isRunning(id) || pausedNodes().contains(id)) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> r = adminGet(id, "/status");
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The members {@code observer} reports: id to whether it votes; empty if it does not answer. */
  public Map<String, Boolean> members(String observer) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    status(observer).ifPresent(s -> s.path("store").path("members")
        .forEach(m -> out.put(m.path("id").asText(), m.path("voter").asBoolean())));
    return out;
  }

  /** The node that says it leads, if any answers so. */
  public Optional<String> leader() {
    List<String> candidates = new ArrayList<>(ids);
    candidates.add(spare);
    for (String id : candidates) {
      Optional<JsonNode> s = status(id);
      if (s.isPresent() && "LEADER".equalsIgnoreCase(s.get().path("store").path("role").asText())) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Resumes paused nodes first (a stopped JVM cannot be waited for cleanly), then kills all. */
  @Override
  public synchronized void close() {
    for (String id : List.copyOf(paused)) {
      Process p = processes.get(id);
      if (p != null) {
        try {
          signal(p, "CONT");
        } catch (RuntimeException e) {
          // it is killed below anyway
        }
      }
    }
    paused.clear();
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    peerLinks.values().forEach(LinkProxy::close);
    clientLinks.values().forEach(LinkProxy::close);
  }
}
