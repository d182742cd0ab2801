package dev.gloo.chaos.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded run: every client operation as an invoke event and a completion (ok, fail or
 * info), in the order they happened, on one monotonic clock that starts with the run. Thread
 * safe; the clients append concurrently.
 */
public final class History {
  private final long origin = System.nanoTime();
  private final List<String> events = new ArrayList<>();
  private final List<Op> ops = new ArrayList<>();

  /** Nanoseconds since the run started. */
  public long now() {
    return System.nanoTime() - origin;
  }

  public record Invocation(int process, String node, String key, Op.Kind kind, String expected, String value,
      long invokeNanos) {}

  public Invocation invoke(int process, String node, String key, Op.Kind kind, String expected, String value) {
    Invocation inv = new Invocation(process, node, key, kind, expected, value, now());
    synchronized (this) {
      events.add(String.format("%10.3f invoke p%d %s %s %s%s%s", inv.invokeNanos() / 1e9, process, node, kind, key,
          expected == null ? "" : " from " + expected, value == null ? "" : " " + value));
    }
    return inv;
  }

  /**
   * Completes {@code inv}. {@code value} is what a read returned (null: absent) or, for writes,
   * the value written.
   */
  public Op complete(Invocation inv, Op.Outcome outcome, String value, String detail) {
    long t = now();
    Op op = new Op(inv.process(), inv.node(), inv.key(), inv.kind(), inv.expected(), value, outcome, detail,
        inv.invokeNanos(), outcome == Op.Outcome.INFO ? Long.MAX_VALUE : t);
    synchronized (this) {
      events.add(String.format("%10.3f %-6s p%d %s %s %s%s%s", t / 1e9, outcome.name().toLowerCase(), inv.process(),
          inv.node(), inv.kind(), inv.key(), value == null ? "" : " " + value, detail == null ? "" : " (" + detail + ")"));
      ops.add(op);
    }
    return op;
  }

  /** Adds a line of context (a nemesis action) to the event log. */
  public synchronized void note(String text) {
    events.add(String.format("%10.3f %s", now() / 1e9, text));
  }

  public synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  public void write(Path file) throws IOException {
    List<String> copy;
    synchronized (this) {
      copy = List.copyOf(events);
    }
    Files.createDirectories(file.getParent());
    Files.write(file, copy);
  }
}
