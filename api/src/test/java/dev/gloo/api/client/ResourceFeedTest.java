package dev.gloo.api.client;

import static dev.gloo.api.client.FakeNode.END;
import static dev.gloo.api.client.FakeNode.PATH;
import static dev.gloo.api.client.FakeNode.event;
import static dev.gloo.api.client.FakeNode.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The feed against in-process HTTPS nodes whose answers each test scripts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResourceFeedTest {
  @TempDir static Path dir;
  static KeyStore keysA;
  static KeyStore keysB;
  static Path bundle;

  record Delivery(Map<String, JsonNode> objects, long revision) {}

  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> open = new java.util.ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    keysA = FakeNode.keyStore(dir, "a");
    keysB = FakeNode.keyStore(dir, "b");
    // Each node has its own CA: one PEM file carries both.
    bundle = Files.writeString(dir.resolve("bundle.crt"),
        Files.readString(dir.resolve("a.crt")) + Files.readString(dir.resolve("b.crt")));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private FakeNode node(KeyStore keys) throws Exception {
    FakeNode n = new FakeNode(keys);
    open.add(n);
    return n;
  }

  private ResourceFeed feed(Duration idle, FakeNode... nodes) {
    ControlEndpoints endpoints = new ControlEndpoints(
        java.util.Arrays.stream(nodes).map(FakeNode::url).toList(), "tok", bundle);
    ResourceFeed feed = new ResourceFeed(endpoints, PATH, (objects, rev) -> deliveries.add(new Delivery(objects, rev)), idle);
    open.add(0, feed);
    feed.start();
    return feed;
  }

  private Delivery next() throws InterruptedException {
    Delivery d = deliveries.poll(15, TimeUnit.SECONDS);
    assertTrue(d != null, "no delivery within 15 s");
    return d;
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  private static String list(long rv, String... objects) {
    return "{\"kind\":\"AuthConfigList\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"},\"items\":["
        + String.join(",", objects) + "]}";
  }

  @Test
  void listsThenWatchesFromTheListRevisionAndDeliversTheWholeMapAfterEachChange() throws Exception {
    FakeNode a = node(keysA);
    a.listBody = list(5, object("ns", "b", 4), object("ns", "a", 3));
    ResourceFeed feed = feed(ResourceFeed.DEFAULT_IDLE_TIMEOUT, a);
    assertTrue(feed.awaitSynced(Duration.ofSeconds(15)));
    Delivery first = next();
    assertEquals(List.of("ns/a", "ns/b"), List.copyOf(first.objects().keySet()));
    assertEquals(5, first.revision());
    assertEquals(PATH + " Bearer tok", a.requests.get(0));
    await("the watch", () -> a.watchCount() == 1);
    assertEquals(PATH + "?watch=true&resourceVersion=5&allowWatchBookmarks=true Bearer tok", a.requests.get(1));

    a.watchLines.add(event("ADDED", object("other", "c", 6)));
    Delivery added = next();
    assertEquals(List.of("ns/a", "ns/b", "other/c"), List.copyOf(added.objects().keySet()));
    assertEquals(6, added.revision());

    a.watchLines.add(event("MODIFIED", object("ns", "a", 7).replace("\"spec\":{}", "\"spec\":{\"booleanExpr\":\"x\"}")));
    Delivery modified = next();
    assertEquals("x", modified.objects().get("ns/a").path("spec").path("booleanExpr").asText());
    assertEquals(7, modified.revision());

    a.watchLines.add(event("DELETED", object("ns", "b", 8)));
    Delivery deleted = next();
    assertEquals(List.of("ns/a", "other/c"), List.copyOf(deleted.objects().keySet()));
    assertEquals(8, deleted.revision());
  }

  @Test
  void aFailedStreamMovesToTheNextNodeAndResumesFromTheLastRevisionSeen() throws Exception {
    FakeNode a = node(keysA);
    FakeNode b = node(keysB);
    a.listBody = list(5, object("ns", "a", 5));
    feed(ResourceFeed.DEFAULT_IDLE_TIMEOUT, a, b);
    assertEquals(5, next().revision());
    await("the watch on a", () -> a.watchCount() == 1);
    a.watchLines.add(event("ADDED", object("ns", "b", 6)));
    assertEquals(6, next().revision());

    a.close();
    await("the watch on b", () -> b.watchCount() == 1);
    assertEquals(0, b.listCount(), "resuming must not list again: " + b.requests);
    assertTrue(b.requests.get(0).contains("resourceVersion=6&"), b.requests.toString());
    b.watchLines.add(event("ADDED", object("ns", "c", 7)));
    Delivery d = next();
    assertEquals(List.of("ns/a", "ns/b", "ns/c"), List.copyOf(d.objects().keySet()));
  }

  @Test
  void goneListsAgainAndReplacesTheState() throws Exception {
    FakeNode a = node(keysA);
    a.listBody = list(5, object("ns", "old", 5));
    feed(ResourceFeed.DEFAULT_IDLE_TIMEOUT, a);
    assertEquals(List.of("ns/old"), List.copyOf(next().objects().keySet()));
    await("the watch", () -> a.watchCount() == 1);

    a.listBody = list(40, object("ns", "new", 39));
    a.watchLines.add("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\","
        + "\"message\":\"too old resource version: 5 (30)\"}}");
    Delivery relisted = next();
    assertEquals(List.of("ns/new"), List.copyOf(relisted.objects().keySet()));
    assertEquals(40, relisted.revision());
    await("the watch from the new list", () -> a.watchCount() == 2);
    assertTrue(a.requests.get(a.requests.size() - 1).contains("resourceVersion=40&"), a.requests.toString());
  }

  @Test
  void whileEveryNodeFailsTheStateStaysAndRetriesBackOff() throws Exception {
    FakeNode a = node(keysA);
    FakeNode b = node(keysB);
    a.listBody = list(5, object("ns", "a", 5));
    feed(ResourceFeed.DEFAULT_IDLE_TIMEOUT, a, b);
    assertEquals(5, next().revision());
    await("the watch on a", () -> a.watchCount() == 1);

    a.failWith = 503;
    b.failWith = 503;
    int before = a.requests.size() + b.requests.size();
    a.watchLines.add(END);
    Thread.sleep(3000);
    int attempts = a.requests.size() + b.requests.size() - before;
    // 100 + 200 + 400 + 800 + 1600 ms of back-off: about five rounds over two nodes.
    assertTrue(attempts >= 4 && attempts <= 16, "attempts in 3 s: " + attempts);
    assertNull(deliveries.poll(), "nothing may be delivered while every node fails");

    b.failWith = 0;
    await("the watch on b", () -> b.servedWatches.get() == 1);
    assertTrue(b.requests.stream().noneMatch(r -> !r.contains("watch=true")), "no list: " + b.requests);
    assertTrue(b.requests.get(b.requests.size() - 1).contains("resourceVersion=5&"), b.requests.toString());
  }

  @Test
  void aSilentWatchIsDroppedAfterTheIdleTimeout() throws Exception {
    FakeNode a = node(keysA);
    FakeNode b = node(keysB);
    a.listBody = list(5, object("ns", "a", 5));
    feed(Duration.ofMillis(500), a, b);
    assertEquals(5, next().revision());
    // a's watch stays open and silent, like a node behind a dead network.
    await("the watch on b", () -> b.watchCount() == 1);
    assertTrue(b.requests.get(0).contains("resourceVersion=5&"), b.requests.toString());
  }

  @Test
  void aNodeWhoseCertificateIsNotTrustedIsNeverRead() throws Exception {
    FakeNode a = node(keysA);
    ControlEndpoints onlyB = new ControlEndpoints(List.of(a.url()), "tok", dir.resolve("b.crt"));
    ResourceFeed feed = new ResourceFeed(onlyB, PATH, (o, r) -> deliveries.add(new Delivery(o, r)));
    open.add(0, feed);
    feed.start();
    assertFalse(feed.awaitSynced(Duration.ofSeconds(1)));
    assertTrue(a.requests.isEmpty(), a.requests.toString());
  }

  @Test
  void aPemFileWithoutCertificatesIsRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.crt"), "");
    Predicate<String> named = m -> m.contains("empty.crt");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ResourceFeed.sslContext(empty));
    assertTrue(named.test(e.getMessage()), e.getMessage());
  }
}
