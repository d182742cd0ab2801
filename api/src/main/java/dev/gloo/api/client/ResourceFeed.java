package dev.gloo.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an up-to-date copy of one collection (all namespaces) served by the control nodes, the
 * way a Kubernetes informer does: list, then watch from the list's resourceVersion.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The listener runs on the feed's single thread and always receives the whole current
 *       map, so it never has to merge events itself.</li>
 *   <li>Unreachable nodes never clear the state: the last delivered map stays the truth until a
 *       node answers with a newer one (DESIGN invariant 8, data-path services keep serving).</li>
 *   <li>A failed connection or stream moves on to the next node and resumes from the last
 *       resourceVersion seen there; revisions are Raft log indexes, the same on every node.
 *       Only 410 Gone (history compacted) makes the feed list again.</li>
 *   <li>While every node fails, attempts back off from 100 ms to 5 s; each node's failure is
 *       logged once per failure streak.</li>
 * </ul>
 */
public final class ResourceFeed implements AutoCloseable {
  /** Receives the whole collection after every change. */
  public interface Listener {
    /**
     * @param objects every object, keyed {@code namespace/name} ({@code name} for
     *     cluster-scoped kinds), sorted by key; unmodifiable
     * @param revision the store revision this state is at
     */
    void onChange(Map<String, JsonNode> objects, long revision);
  }

  /** Nodes send a BOOKMARK every {@code WATCH_BOOKMARK_SECONDS} (60 s by default). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** Deliver at least this often while a burst of events is still arriving. */
  private static final int MAX_EVENTS_PER_DELIVERY = 1000;

  private static final Logger log = LoggerFactory.getLogger(ResourceFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ControlEndpoints endpoints;
  private final String collectionPath;
  private final Listener listener;
  private final Duration idleTimeout;
  private final HttpClient http;
  private final Thread thread;
  private final ScheduledExecutorService watchdog;
  private final CountDownLatch synced = new CountDownLatch(1);

  // Owned by the feed thread.
  private final TreeMap<String, JsonNode> objects = new TreeMap<>();
  private long revision;
  private boolean listed;
  private final Set<URI> failing = new HashSet<>();

  // Shared with close() and the watchdog.
  private volatile boolean closed;
  private volatile InputStream stream;
  private volatile long lastReadNanos;

  public ResourceFeed(ControlEndpoints endpoints, String collectionPath, Listener listener) {
    this(endpoints, collectionPath, listener, DEFAULT_IDLE_TIMEOUT);
  }

  /**
   * @param idleTimeout a watch on which nothing arrived (not even a BOOKMARK) for this long is
   *     taken as a dead node, and the feed moves on; a node that died without closing its
   *     connections would otherwise hold the feed forever
   */
  public ResourceFeed(ControlEndpoints endpoints, String collectionPath, Listener listener, Duration idleTimeout) {
    if (!collectionPath.startsWith("/")) {
      throw new IllegalArgumentException("collection path must start with '/': " + collectionPath);
    }
    this.endpoints = endpoints;
    this.collectionPath = collectionPath;
    this.listener = listener;
    this.idleTimeout = idleTimeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .sslContext(sslContext(endpoints.caFile()))
        .build();
    this.thread = new Thread(this::run, "resource-feed " + collectionPath);
    this.thread.setDaemon(true);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "resource-feed-watchdog " + collectionPath);
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    long period = Math.max(10, Math.min(1000, idleTimeout.toMillis() / 4));
    watchdog.scheduleAtFixedRate(this::dropIdleStream, period, period, TimeUnit.MILLISECONDS);
    thread.start();
  }

  /** True once the first full list was delivered to the listener. */
  public boolean awaitSynced(Duration d) {
    try {
      return synced.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    closeStream();
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    int server = 0;
    int failuresInRow = 0;
    long backoffMillis = MIN_BACKOFF.toMillis();
    while (!closed) {
      URI base = endpoints.servers().get(server);
      boolean progressed = false;
      try {
        if (!listed) {
          list(base);
          progressed = true;
        }
        progressed |= watch(base);
        if (!progressed) {
          throw new FeedException("the watch ended before sending anything");
        }
        recovered(base);
        failuresInRow = 0;
        backoffMillis = MIN_BACKOFF.toMillis();
      } catch (Gone e) {
        log.info("{}{}: {}; listing again", base, collectionPath, e.getMessage());
        recovered(base);
        listed = false;
      } catch (IOException | FeedException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (progressed) {
          // It served us before failing: the next node gets a fresh streak.
          recovered(base);
          failuresInRow = 0;
          backoffMillis = MIN_BACKOFF.toMillis();
        }
        failed(base, e);
        server = (server + 1) % endpoints.servers().size();
        if (++failuresInRow >= endpoints.servers().size()) {
          failuresInRow = 0;
          if (!sleep(backoffMillis)) {
            return;
          }
          backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void list(URI base) throws IOException, InterruptedException, FeedException, Gone {
    HttpResponse<InputStream> resp = http.send(request(base.resolve(collectionPath))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
    JsonNode body;
    try (InputStream in = resp.body()) {
      checkStatus(resp.statusCode(), in);
      body = JSON.readTree(in);
    }
    if (body == null || !body.path("items").isArray()) {
      throw new FeedException("the list response has no items");
    }
    TreeMap<String, JsonNode> fresh = new TreeMap<>();
    for (JsonNode item : body.path("items")) {
      fresh.put(key(item), item);
    }
    long rv = parseRevision(body.path("metadata").path("resourceVersion").asText(""));
    objects.clear();
    objects.putAll(fresh);
    revision = rv;
    listed = true;
    deliver();
    synced.countDown();
  }

  /**
   * Follows the watch until the node ends it.
   *
   * @return whether anything arrived
   */
  private boolean watch(URI base) throws IOException, InterruptedException, FeedException, Gone {
    URI uri = URI.create(base + collectionPath + "?watch=true&resourceVersion=" + revision
        + "&allowWatchBookmarks=true");
    HttpResponse<InputStream> resp = http.send(request(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    boolean anything = false;
    try (InputStream in = resp.body()) {
      checkStatus(resp.statusCode(), in);
      lastReadNanos = System.nanoTime();
      stream = in;
      if (closed) {
        return anything;
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int pending = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        lastReadNanos = System.nanoTime();
        if (line.isBlank()) {
          continue;
        }
        anything = true;
        recovered(base);
        if (apply(JSON.readTree(line))) {
          pending++;
        }
        // Coalesce a burst (a node replaying history) into one delivery.
        if (pending > 0 && (!reader.ready() || pending >= MAX_EVENTS_PER_DELIVERY)) {
          deliver();
          pending = 0;
        }
      }
      if (pending > 0) {
        deliver();
      }
    } finally {
      stream = null;
    }
    if (closed) {
      throw new FeedException("closed");
    }
    return anything;
  }

  /** @return whether the objects changed */
  private boolean apply(JsonNode event) throws FeedException, Gone {
    String type = event.path("type").asText("");
    JsonNode object = event.path("object");
    switch (type) {
      case "ADDED", "MODIFIED" -> {
        objects.put(key(object), object);
        revision = Math.max(revision, parseRevision(object.path("metadata").path("resourceVersion").asText("")));
        return true;
      }
      case "DELETED" -> {
        objects.remove(key(object));
        revision = Math.max(revision, parseRevision(object.path("metadata").path("resourceVersion").asText("")));
        return true;
      }
      case "BOOKMARK" -> {
        revision = Math.max(revision, parseRevision(object.path("metadata").path("resourceVersion").asText("")));
        return false;
      }
      case "ERROR" -> {
        if (object.path("code").asInt() == 410) {
          throw new Gone(object.path("message").asText("410 Gone"));
        }
        throw new FeedException("watch error " + object.path("code").asInt() + " " + object.path("reason").asText()
            + ": " + object.path("message").asText());
      }
      default -> throw new FeedException("unknown watch event type '" + type + "'");
    }
  }

  private void deliver() {
    try {
      listener.onChange(Collections.unmodifiableMap(new TreeMap<>(objects)), revision);
    } catch (RuntimeException e) {
      // The listener's bug must not stop the feed: the next change is delivered again.
      log.error("{}: listener failed on revision {}", collectionPath, revision, e);
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json");
    if (endpoints.token() != null) {
      b.header("Authorization", "Bearer " + endpoints.token());
    }
    return b;
  }

  private static void checkStatus(int status, InputStream body) throws IOException, FeedException, Gone {
    if (status == 200) {
      return;
    }
    String text = new String(body.readNBytes(512), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    if (status == 410) {
      throw new Gone("HTTP 410: " + text);
    }
    throw new FeedException("HTTP " + status + ": " + text);
  }

  private static String key(JsonNode object) throws FeedException {
    JsonNode md = object.path("metadata");
    String name = md.path("name").asText("");
    if (name.isEmpty()) {
      throw new FeedException("an object without metadata.name");
    }
    String ns = md.path("namespace").asText("");
    return ns.isEmpty() ? name : ns + "/" + name;
  }

  private static long parseRevision(String rv) throws FeedException {
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw new FeedException("resourceVersion '" + rv + "' is not a revision");
    }
  }

  private void failed(URI base, Exception e) {
    if (failing.add(base)) {
      log.warn("control node {} failed for {}: {}; trying the next node (logged once until it serves again)",
          base, collectionPath, describe(e));
    }
  }

  /** The exception and its causes: the JDK's connect failures carry their reason only in a cause. */
  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(e.toString());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      s.append(": ").append(c);
    }
    return s.toString();
  }

  private void recovered(URI base) {
    if (failing.remove(base)) {
      log.info("control node {} serves {} again", base, collectionPath);
    }
  }

  private void dropIdleStream() {
    if (stream != null && System.nanoTime() - lastReadNanos > idleTimeout.toNanos()) {
      log.warn("{}: no event nor bookmark for {} ms; dropping the watch", collectionPath, idleTimeout.toMillis());
      closeStream();
    }
  }

  private void closeStream() {
    InputStream s = stream;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        log.debug("closing the watch stream", e);
      }
    }
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /**
   * Trusts exactly the certificates in {@code caFile}; a PEM file may hold several, one per
   * node when each node generated its own CA.
   */
  public static SSLContext sslContext(Path caFile) {
    if (caFile == null) {
      try {
        return SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      return PemTrust.sslContext(Files.readAllBytes(caFile));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot load CA certificates from " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** A node answered, but not with what a feed can use: try the next one. */
  static final class FeedException extends Exception {
    FeedException(String message) {
      super(message);
    }
  }

  /** The resume point is no longer in the node's history: list again. */
  static final class Gone extends Exception {
    Gone(String message) {
      super(message);
    }
  }
}
