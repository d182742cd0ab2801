package dev.gloo.ratelimit.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis the tests use: REDIS_URL (default redis://127.0.0.1:6379) with REDIS_PASSWORD
 * (default gloo-test-redis), as CI starts it; or a redis-server process of the test's own, which
 * the test can kill and restart on the same port.
 */
public final class TestRedis implements AutoCloseable {
  public static final String DEFAULT_PASSWORD = "gloo-test-redis";

  private final int port;
  private final String password;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  private TestRedis(int port, String password, Path dir, List<String> extraArgs) {
    this.port = port;
    this.password = password;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  public static String sharedUrl() {
    String url = System.getenv("REDIS_URL");
    return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
  }

  public static String sharedPassword() {
    String pw = System.getenv("REDIS_PASSWORD");
    return pw == null ? DEFAULT_PASSWORD : pw;
  }

  /** Fails the test, with what to do, when the shared Redis does not answer PING. */
  public static void requireShared() {
    URI uri = URI.create(sharedUrl());
    String reply = ping(uri.getHost(), uri.getPort(), sharedPassword());
    if (!reply.startsWith("+PONG")) {
      throw new AssertionError("Redis at " + uri + " answered '" + reply.strip()
          + "' to AUTH/PING; these tests need redis-server with requirepass $REDIS_PASSWORD (default "
          + DEFAULT_PASSWORD + ") on REDIS_URL");
    }
  }

  /** Starts a redis-server (from the PATH) on a free loopback port, without persistence. */
  public static TestRedis startOwn(Path dir) throws IOException, InterruptedException {
    return startOwn(dir, "own-redis-password");
  }

  /** As {@link #startOwn(Path)}, with a given password and more redis-server arguments. */
  public static TestRedis startOwn(Path dir, String password, String... extraArgs) throws IOException, InterruptedException {
    TestRedis r = new TestRedis(freePort(), password, dir, List.of(extraArgs));
    r.start();
    return r;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** Runs redis-cli against this server; returns its output, failing the test on a non-zero exit. */
  public String cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-a", password, "--no-auth-warning"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("redis-cli " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public String password() {
    return password;
  }

  public void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!ping("127.0.0.1", port, password).startsWith("+PONG")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("redis-server on port " + port + " did not start; see " + dir);
      }
      Thread.sleep(50);
    }
  }

  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** SIGSTOP: the server keeps its connections open and stops answering, like a hung host. */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String sig) throws IOException, InterruptedException {
    if (new ProcessBuilder("kill", sig, Long.toString(process.pid())).start().waitFor() != 0) {
      throw new AssertionError("kill " + sig + " " + process.pid() + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  /** AUTH then PING over RESP; returns the PING reply line, or the error met. */
  static String ping(String host, int port, String password) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      if (!password.isEmpty()) {
        out.write(("*2\r\n$4\r\nAUTH\r\n$" + password.getBytes(StandardCharsets.UTF_8).length + "\r\n" + password + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
        String auth = line(in);
        if (!auth.startsWith("+OK")) {
          return auth;
        }
      }
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.UTF_8));
      return line(in);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.append((char) c);
    }
    return b.toString();
  }
}
