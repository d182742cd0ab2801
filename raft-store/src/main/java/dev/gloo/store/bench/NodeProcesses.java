package dev.gloo.store.bench;

import dev.gloo.store.Txn;
import dev.gloo.store.raft.NodeConfig;
import dev.gloo.store.raft.RaftStoreNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's store as the product runs it: three nodes in three JVMs, each serving the
 * benchmark's writes on a plain loopback socket (a key and a value in, one status byte out,
 * through {@link RaftStoreNode#txn}), so that a comparison with the API (three node processes)
 * differs only in the API itself. CPU is read from {@code /proc} for the three processes.
 */
final class NodeProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final int[] servePorts = new int[3];

  private NodeProcesses() {}

  /** Starts the three node processes under {@code root} and waits until each serves. */
  static NodeProcesses start(Path root, int portBase, String clusterId) throws IOException, InterruptedException {
    NodeProcesses p = new NodeProcesses();
    try {
      StringBuilder members = new StringBuilder();
      for (int i = 1; i <= 3; i++) {
        members.append(i > 1 ? "," : "").append("n").append(i).append("=127.0.0.1:").append(portBase + i);
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int i = 1; i <= 3; i++) {
        p.servePorts[i - 1] = portBase + 10 + i;
        Path dir = root.resolve("n" + i);
        Files.createDirectories(dir);
        p.processes.add(new ProcessBuilder(java, "-Xmx512m",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
            "-cp", System.getProperty("java.class.path"), NodeProcesses.class.getName(),
            "n" + i, Integer.toString(portBase + i), Integer.toString(p.servePorts[i - 1]), dir.toString(),
            clusterId, members.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start());
      }
      for (int i = 0; i < 3; i++) {
        p.awaitServing(i, root.resolve("n" + (i + 1)).resolve("node.log"));
      }
      return p;
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void awaitServing(int i, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!processes.get(i).isAlive()) {
        throw new IOException("bench node n" + (i + 1) + " exited; see " + log);
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), servePorts[i])) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IOException("bench node n" + (i + 1) + " did not serve within 90 s; see " + log);
  }

  /** A connection to node {@code i} (0-based) for one closed-loop worker. */
  Client connect(int i) throws IOException {
    return new Client(new Socket(InetAddress.getLoopbackAddress(), servePorts[i]));
  }

  /** CPU time of the three processes so far, in nanoseconds. */
  long cpuNanos() {
    long ticks = 0;
    for (Process p : processes) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      } catch (IOException | RuntimeException e) {
        return 0; // not Linux, or gone: no CPU figure
      }
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One worker's blocking connection: a put per call. */
  static final class Client implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    private Client(Socket socket) throws IOException {
      this.socket = socket;
      socket.setTcpNoDelay(true);
      this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
      this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    }

    void put(String key, byte[] value) {
      try {
        out.writeUTF(key);
        out.writeInt(value.length);
        out.write(value);
        out.flush();
        if (in.readByte() != 1) {
          throw new IllegalStateException("write failed: " + in.readUTF());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A node process: {@code id raftPort servePort dir clusterId id=host:port,...}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> members = new LinkedHashMap<>();
    for (String m : args[5].split(",")) {
      members.put(m.substring(0, m.indexOf('=')), m.substring(m.indexOf('=') + 1));
    }
    RaftStoreNode node = RaftStoreNode.start(new NodeConfig(args[0], "127.0.0.1", Integer.parseInt(args[1]),
        Path.of(args[3]), args[4], members, NodeConfig.Tuning.defaults()));
    node.awaitReady(Duration.ofSeconds(60));
    try (ServerSocket server = new ServerSocket(Integer.parseInt(args[2]), 128, InetAddress.getLoopbackAddress())) {
      while (true) {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(node, s), "bench-conn");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void serve(RaftStoreNode node, Socket s) {
    try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
         DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
      s.setTcpNoDelay(true);
      while (true) {
        String key = in.readUTF();
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        try {
          node.txn(Txn.put(key, value));
          out.writeByte(1);
        } catch (RuntimeException e) {
          out.writeByte(0);
          out.writeUTF(String.valueOf(e));
        }
        out.flush();
      }
    } catch (IOException closed) {
      // the worker is done
    }
  }
}
