package dev.gloo.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.chaos.history.History;
import dev.gloo.chaos.history.Op;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Concurrent clients on a few ConfigMaps in {@code default}, each a register whose value is
 * {@code data.value}: create, read, compare-and-set (read, then PUT with the resourceVersion
 * read), conditional delete (read, then DELETE with that resourceVersion as precondition) and
 * list, each against a randomly chosen node. Every written value is unique, so a value names
 * one write and the resourceVersion precondition is a compare-and-set on the value.
 *
 * <p>A client whose operation ended indeterminate takes a new process number, as in Jepsen: the
 * old one may still be "running" that operation.
 */
public final class RegisterWorkload {
  public static final String NS_PATH = "/api/v1/namespaces/default/configmaps";

  private final ApiClient api;
  private final History history;
  private final List<String> nodes;
  private final List<String> keys;
  private final int clients;
  private final long seed;
  private final AtomicInteger nextProcess = new AtomicInteger();
  private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public RegisterWorkload(ApiClient api, History history, List<String> nodes, List<String> keys, int clients,
      long seed) {
    this.api = api;
    this.history = history;
    this.nodes = List.copyOf(nodes);
    this.keys = List.copyOf(keys);
    this.clients = clients;
    this.seed = seed;
  }

  public void start() {
    running = true;
    for (int i = 0; i < clients; i++) {
      Random rnd = new Random(seed * 31 + i);
      Thread t = new Thread(() -> run(rnd), "client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops issuing and waits for the operations in flight (each is bounded by the timeout). */
  public void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  /** Responses by status code, plus "timeout" and "io" for requests that got none. */
  public Map<String, Long> responseCounts() {
    Map<String, Long> out = new TreeMap<>();
    responses.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private void run(Random rnd) {
    int process = nextProcess.getAndIncrement();
    int counter = 0;
    while (running) {
      String node = nodes.get(rnd.nextInt(nodes.size()));
      String key = keys.get(rnd.nextInt(keys.size()));
      int dice = rnd.nextInt(100);
      boolean indeterminate;
      try {
        if (dice < 25) {
          indeterminate = read(process, node, key) == null;
        } else if (dice < 40) {
          indeterminate = create(process, node, key, "p" + process + "-" + counter++);
        } else if (dice < 75) {
          Observed seen = read(process, node, key);
          indeterminate = seen == null;
          if (seen != null && seen.value() != null) {
            indeterminate = cas(process, node, key, seen, "p" + process + "-" + counter++);
          }
        } else if (dice < 85) {
          Observed seen = read(process, node, key);
          indeterminate = seen == null;
          if (seen != null && seen.value() != null) {
            indeterminate = delete(process, node, key, seen);
          }
        } else {
          indeterminate = list(process, node);
        }
        if (indeterminate) {
          process = nextProcess.getAndIncrement();
        }
        Thread.sleep(5 + rnd.nextInt(20)); // a think time keeps the history checkable and the CPU shared
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** What a read saw: the value (null when absent) and its resourceVersion. */
  record Observed(String value, String resourceVersion) {}

  private String path(String key) {
    return NS_PATH + "/" + key;
  }

  /** Returns null when the read was indeterminate. */
  private Observed read(int process, String node, String key) throws InterruptedException {
    History.Invocation inv = history.invoke(process, node, key, Op.Kind.READ, null, null);
    try {
      ApiClient.Response r = api.get(node, path(key));
      count(r.status());
      if (r.status() == 200) {
        String value = r.body().path("data").path("value").asText(null);
        history.complete(inv, Op.Outcome.OK, value, null);
        return new Observed(value, r.body().path("metadata").path("resourceVersion").asText());
      }
      if (r.status() == 404) {
        history.complete(inv, Op.Outcome.OK, null, null);
        return new Observed(null, null);
      }
      history.complete(inv, Op.Outcome.INFO, null, "status " + r.status());
      return null;
    } catch (IOException e) {
      history.complete(inv, Op.Outcome.INFO, null, failure(e));
      return null;
    }
  }

  private boolean create(int process, String node, String key, String value) throws InterruptedException {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    body.putObject("metadata").put("name", key).put("namespace", "default");
    body.putObject("data").put("value", value);
    History.Invocation inv = history.invoke(process, node, key, Op.Kind.CREATE, null, value);
    return write(inv, value, () -> api.post(node, NS_PATH, body), 409);
  }

  private boolean cas(int process, String node, String key, Observed seen, String value) throws InterruptedException {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    body.putObject("metadata").put("name", key).put("namespace", "default")
        .put("resourceVersion", seen.resourceVersion());
    body.putObject("data").put("value", value);
    History.Invocation inv = history.invoke(process, node, key, Op.Kind.CAS, seen.value(), value);
    return write(inv, value, () -> api.put(node, path(key), body), 409, 404);
  }

  private boolean delete(int process, String node, String key, Observed seen) throws InterruptedException {
    History.Invocation inv = history.invoke(process, node, key, Op.Kind.DELETE, seen.value(), null);
    return write(inv, null, () -> api.delete(node, path(key), seen.resourceVersion()), 409, 404);
  }

  private interface Call {
    ApiClient.Response send() throws IOException, InterruptedException;
  }

  /** Records a write; returns true when it ended indeterminate. */
  private boolean write(History.Invocation inv, String value, Call call, int... refusals) throws InterruptedException {
    try {
      ApiClient.Response r = call.send();
      count(r.status());
      if (r.ok()) {
        history.complete(inv, Op.Outcome.OK, value, null);
        return false;
      }
      for (int refusal : refusals) {
        if (r.status() == refusal) {
          history.complete(inv, Op.Outcome.FAIL, value, "status " + r.status());
          return false;
        }
      }
      // 5xx (unavailable, timeout inside the node): the proposal may still commit.
      history.complete(inv, Op.Outcome.INFO, value, "status " + r.status() + " " + r.body().path("message").asText(""));
      return true;
    } catch (IOException e) {
      history.complete(inv, Op.Outcome.INFO, value, failure(e));
      return true;
    }
  }

  /** A list is a read of every key at one instant; recorded as one read per key. */
  private boolean list(int process, String node) throws InterruptedException {
    List<History.Invocation> invs = new ArrayList<>();
    for (String key : keys) {
      invs.add(history.invoke(process, node, key, Op.Kind.READ, null, null));
    }
    try {
      ApiClient.Response r = api.get(node, NS_PATH);
      count(r.status());
      if (r.status() != 200) {
        invs.forEach(inv -> history.complete(inv, Op.Outcome.INFO, null, "list status " + r.status()));
        return true;
      }
      Map<String, String> values = new TreeMap<>();
      for (JsonNode item : r.body().path("items")) {
        values.put(item.path("metadata").path("name").asText(), item.path("data").path("value").asText(null));
      }
      for (History.Invocation inv : invs) {
        history.complete(inv, Op.Outcome.OK, values.get(inv.key()), "list");
      }
      return false;
    } catch (IOException e) {
      invs.forEach(inv -> history.complete(inv, Op.Outcome.INFO, null, failure(e)));
      return true;
    }
  }

  private String failure(IOException e) {
    String kind = e instanceof HttpTimeoutException ? "timeout" : "io";
    responses.computeIfAbsent(kind, k -> new LongAdder()).increment();
    return kind + ": " + e.getClass().getSimpleName();
  }

  private void count(int status) {
    responses.computeIfAbsent(Integer.toString(status), k -> new LongAdder()).increment();
  }

  /**
   * The value of every key as node {@code node} reads it now (linearizable reads), for the
   * final check after the faults healed. Throws when the node does not answer.
   */
  public Map<String, String> finalRead(String node) throws IOException, InterruptedException {
    Map<String, String> out = new TreeMap<>();
    for (String key : keys) {
      ApiClient.Response r = api.get(node, path(key));
      if (r.status() == 200) {
        out.put(key, r.body().path("data").path("value").asText(null));
      } else if (r.status() != 404) {
        throw new IOException(node + " answered " + r.status() + " reading " + key + ": " + r.body());
      }
    }
    return out;
  }
}
