package dev.gloo.apiserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.apiserver.objects.ApiException;
import dev.gloo.apiserver.objects.ObjectKeys;
import dev.gloo.apiserver.objects.ObjectService;
import dev.gloo.apiserver.objects.Selectors;
import dev.gloo.store.RevisionCompactedException;
import dev.gloo.store.Store;
import dev.gloo.store.StoreException;
import dev.gloo.store.Watch;
import dev.gloo.store.WatchEvent;
import dev.gloo.store.WatchListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes-style REST API: discovery, OpenAPI, and every verb on every kind of the
 * catalog, under {@code /api/v1} and {@code /apis/<group>/<version>}, namespaced or not, with
 * the {@code status} subresource and watches. Requests are parsed here; object semantics live
 * in {@link ObjectService}. Every error is a {@code Status}; bad input never gets a 5xx.
 */
public final class KubeApiServlet extends HttpServlet {
  private static final Logger LOG = LoggerFactory.getLogger(KubeApiServlet.class);
  private static final int MAX_BODY = 3 * 1024 * 1024;
  private static final String TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io";

  private final ObjectService objects;
  private final Store store;
  private final CrdCatalog catalog;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final ObjectMapper json;
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private final Clock clock;
  private final Optional<String> token;
  private final Optional<String> joinToken;
  private final String nodeId;
  private final java.time.Duration bookmarkInterval;
  private final OperationsApi operations;

  public KubeApiServlet(ObjectService objects, Store store, ObjectMapper json, Clock clock,
      Optional<String> token, Optional<String> joinToken, String nodeId, java.time.Duration bookmarkInterval,
      OperationsApi operations) {
    this.objects = objects;
    this.store = store;
    this.catalog = objects.catalog();
    this.discovery = new Discovery(catalog);
    this.openApi = new OpenApi(discovery, json);
    this.json = json;
    this.clock = clock;
    this.token = token;
    this.joinToken = joinToken;
    this.nodeId = nodeId;
    this.bookmarkInterval = bookmarkInterval;
    this.operations = operations;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getRequestURI();
    try {
      Caller caller = isPublic(path) ? Caller.ADMIN : caller(req);
      if (caller == Caller.NONE) {
        throw new ApiException(401, "Unauthorized", "Unauthorized", null);
      }
      if (caller == Caller.JOINER && !joinerMayCall(req.getMethod(), path)) {
        throw new ApiException(403, "Forbidden", "the join token only lets a node join the cluster;"
            + " " + req.getMethod() + " " + path + " needs the admin token", null);
      }
      route(req, resp, path);
    } catch (ApiException e) {
      sendError(req, resp, e);
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", req.getMethod(), path, e);
      sendError(req, resp, new ApiException(500, "InternalError", "internal error: " + e, null));
    }
  }

  private static boolean isPublic(String path) {
    return path.equals("/version") || path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz");
  }

  /** Who is calling: the administrator, a node joining the cluster, or nobody we know. */
  private enum Caller { ADMIN, JOINER, NONE }

  private Caller caller(HttpServletRequest req) {
    if (token.isEmpty()) {
      return Caller.ADMIN;
    }
    // A client certificate reaches us only if Jetty verified it against the client CA.
    Object certs = req.getAttribute("jakarta.servlet.request.X509Certificate");
    if (certs instanceof java.security.cert.X509Certificate[] chain && chain.length > 0) {
      return Caller.ADMIN;
    }
    String h = req.getHeader("Authorization");
    if (h == null || !h.startsWith("Bearer ")) {
      return Caller.NONE;
    }
    byte[] presented = h.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(presented, token.get().getBytes(StandardCharsets.UTF_8))) {
      return Caller.ADMIN;
    }
    if (joinToken.isPresent() && MessageDigest.isEqual(presented, joinToken.get().getBytes(StandardCharsets.UTF_8))) {
      return Caller.JOINER;
    }
    return Caller.NONE;
  }

  /**
   * What the join token grants: what {@code ClusterJoin} does (add itself as a learner, read
   * the cluster's commit index, be promoted) and having its peer certificate signed.
   */
  static boolean joinerMayCall(String method, String path) {
    return switch (method) {
      case "GET" -> path.equals("/gloo/v1/cluster/status");
      case "POST" -> path.equals("/gloo/v1/cluster/members") || path.equals("/gloo/v1/cluster/peer-certificate")
          || (path.startsWith("/gloo/v1/cluster/members/") && path.endsWith("/promote")
              && path.indexOf('/', "/gloo/v1/cluster/members/".length()) == path.length() - "/promote".length());
      default -> false;
    };
  }

  private void route(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
    String method = req.getMethod();
    if (!method.equals("GET") && (path.equals("/api") || path.equals("/apis") || path.startsWith("/openapi/")
        || isPublic(path))) {
      throw methodNotAllowed();
    }
    if (path.startsWith("/gloo/v1/")) {
      byte[] body = method.equals("GET") ? new byte[0] : req.getInputStream().readNBytes(MAX_BODY);
      OperationsApi.Response r = operations.handle(method, path.substring("/gloo/v1".length()),
          req.getParameterMap(), body);
      resp.setStatus(r.code());
      resp.setContentType(r.contentType());
      resp.setHeader("X-Gloo-Node", nodeId);
      r.headers().forEach(resp::setHeader);
      if (r.file() != null) {
        try {
          resp.setContentLengthLong(java.nio.file.Files.size(r.file()));
          java.nio.file.Files.copy(r.file(), resp.getOutputStream());
        } finally {
          java.nio.file.Files.deleteIfExists(r.file());
        }
        return;
      }
      resp.setContentLength(r.body().length);
      resp.getOutputStream().write(r.body());
      return;
    }
    switch (path) {
      case "/version" -> {
        ObjectNode v = json.createObjectNode();
        v.put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-gloo").put("gitCommit", "")
            .put("gitTreeState", "clean").put("buildDate", "").put("goVersion", "").put("compiler", "")
            .put("platform", "linux/amd64");
        sendJson(resp, 200, v, "application/json");
        return;
      }
      case "/healthz", "/livez" -> {
        sendText(resp, 200, "ok");
        return;
      }
      case "/readyz" -> {
        try {
          // A linearizable read: the node reaches a leader and has applied what it committed.
          store.get(ObjectKeys.namespaceKey("default"));
          sendText(resp, 200, "ok");
        } catch (StoreException e) {
          sendText(resp, 503, "not ready: " + e.getMessage());
        }
        return;
      }
      case "/api", "/apis" -> {
        boolean core = path.equals("/api");
        if (wantsAggregated(req)) {
          sendJson(resp, 200, discovery.aggregated(core), Discovery.AGGREGATED_TYPE);
        } else {
          sendJson(resp, 200, core ? discovery.apiVersions() : discovery.groupList(), "application/json");
        }
        return;
      }
      case "/openapi/v3" -> {
        sendJson(resp, 200, openApi.root(), "application/json");
        return;
      }
      default -> { }
    }
    if (path.startsWith("/openapi/v3/")) {
      byte[] doc = openApi.document(path.substring("/openapi/v3/".length()));
      if (doc == null) {
        throw notFoundPath();
      }
      resp.setStatus(200);
      resp.setContentType("application/json");
      resp.setHeader("Cache-Control", "public, immutable");
      resp.getOutputStream().write(doc);
      return;
    }
    String[] seg = path.substring(1).split("/");
    if (seg[0].equals("apis") && seg.length == 2 && !method.equals("GET")) {
      throw methodNotAllowed(); // an APIGroup document
    }
    if (seg[0].equals("api") && seg.length >= 2) {
      resource(req, resp, method, "", seg[1], slice(seg, 2));
    } else if (seg[0].equals("apis") && seg.length == 2) {
      List<String> versions = discovery.groups().get(seg[1]);
      if (versions == null) {
        throw notFoundPath();
      }
      sendJson(resp, 200, discovery.group(seg[1], versions), "application/json");
    } else if (seg[0].equals("apis") && seg.length >= 3) {
      if (seg[1].equals("authorization.k8s.io") && seg.length == 4 && seg[3].endsWith("subjectaccessreviews")
          && method.equals("POST")) {
        accessReview(req, resp, seg[3]);
        return;
      }
      resource(req, resp, method, seg[1], seg[2], slice(seg, 3));
    } else {
      throw notFoundPath();
    }
  }

  private static String[] slice(String[] a, int from) {
    return from >= a.length ? new String[0] : java.util.Arrays.copyOfRange(a, from, a.length);
  }

  private void resource(HttpServletRequest req, HttpServletResponse resp, String method, String group,
      String version, String[] rest) throws IOException {
    if (!discovery.serves(group, version)) {
      throw notFoundPath();
    }
    if (rest.length == 0) {
      if (!method.equals("GET")) {
        throw methodNotAllowed();
      }
      sendJson(resp, 200, discovery.resourceList(group, version), "application/json");
      return;
    }
    // /namespaces/{ns}/{plural}[/{name}[/status]] for namespaced kinds; everything else is
    // /{plural}[/{name}[/status]] (including namespaces themselves).
    String ns = null;
    int i = 0;
    if (rest[0].equals("namespaces") && rest.length >= 3) {
      ns = rest[1];
      i = 2;
    }
    String plural = rest[i];
    ResourceType t = catalog.byResource(group, version, plural).orElseThrow(KubeApiServlet::notFoundPath);
    if (ns != null && !t.namespaced()) {
      throw notFoundPath();
    }
    String name = rest.length > i + 1 ? rest[i + 1] : null;
    boolean status = rest.length == i + 3 && rest[i + 2].equals("status");
    if (rest.length > i + 3 || (rest.length == i + 3 && !status) || (status && !t.statusSubresource())) {
      throw notFoundPath();
    }
    ObjectService.WriteOptions opts = writeOptions(req);
    if (name == null) {
      switch (method) {
        case "GET" -> {
          if ("true".equals(req.getParameter("watch")) || "1".equals(req.getParameter("watch"))) {
            watch(req, resp, t, ns);
          } else {
            list(req, resp, t, ns);
          }
        }
        case "POST" -> {
          if (t.namespaced() && ns == null) {
            throw methodNotAllowed();
          }
          ObjectService.Written w = objects.create(t, ns, body(req), opts);
          sendWritten(req, resp, t, 201, w);
        }
        case "DELETE" -> {
          deleteOptions(req);
          ObjectService.Page page = objects.list(t, ns, req.getParameter("labelSelector"),
              req.getParameter("fieldSelector"), 0, null, false);
          for (ObjectNode o : page.items()) {
            try {
              objects.delete(t, o.path("metadata").path("namespace").asText(null),
                  o.path("metadata").path("name").asText(), Optional.empty(), opts);
            } catch (ApiException e) {
              if (!e.reason().equals("NotFound")) {
                throw e;
              }
            }
          }
          sendJson(resp, 200, objects.toList(t, page), "application/json");
        }
        default -> throw methodNotAllowed();
      }
      return;
    }
    if (t.namespaced() && ns == null) {
      throw notFoundPath();
    }
    switch (method) {
      case "GET" -> {
        ObjectNode o = objects.get(t, ns, name, "0".equals(req.getParameter("resourceVersion")));
        if (wantsTable(req)) {
          sendJson(resp, 200, Tables.table(t, List.of(o), o.path("metadata").path("resourceVersion").asText(),
              true, clock.instant()), TABLE_TYPE);
        } else {
          sendJson(resp, 200, o, "application/json");
        }
      }
      case "PUT" -> sendWritten(req, resp, t, 200, objects.update(t, ns, name, body(req), status, opts));
      case "PATCH" -> {
        ObjectService.Written w = objects.patch(t, ns, name, req.getContentType(), body(req), status, opts);
        sendWritten(req, resp, t, w.created() ? 201 : 200, w);
      }
      case "DELETE" -> {
        Optional<String> precondition = deleteOptions(req).flatMap(o -> Optional.ofNullable(
            o.path("preconditions").path("resourceVersion").asText(null)).filter(v -> !v.isEmpty()));
        sendJson(resp, 200, objects.delete(t, ns, name, precondition, opts), "application/json");
      }
      default -> throw methodNotAllowed();
    }
  }

  private void list(HttpServletRequest req, HttpServletResponse resp, ResourceType t, String ns) throws IOException {
    int limit = intParam(req, "limit", 0);
    ObjectService.Page page = objects.list(t, ns, req.getParameter("labelSelector"),
        req.getParameter("fieldSelector"), limit, req.getParameter("continue"),
        "0".equals(req.getParameter("resourceVersion")));
    if (wantsTable(req)) {
      ObjectNode table = Tables.table(t, page.items(), Long.toString(page.revision()), true, clock.instant());
      page.continueToken().ifPresent(c -> ((ObjectNode) table.get("metadata")).put("continue", c));
      sendJson(resp, 200, table, TABLE_TYPE);
    } else {
      sendJson(resp, 200, objects.toList(t, page), "application/json");
    }
  }

  /**
   * A watch: one JSON event per line, chunked. From resourceVersion N it sends every change
   * after N; without one (or with 0) it first sends the current objects as ADDED.
   */
  private void watch(HttpServletRequest req, HttpServletResponse resp, ResourceType t, String ns) throws IOException {
    Predicate<JsonNode> match = Selectors.labels(req.getParameter("labelSelector"))
        .and(Selectors.fields(req.getParameter("fieldSelector")));
    boolean table = wantsTable(req);
    boolean bookmarks = "true".equals(req.getParameter("allowWatchBookmarks"));
    int timeoutSeconds = intParam(req, "timeoutSeconds", 1800);
    String rv = req.getParameter("resourceVersion");
    List<ObjectNode> initial = new ArrayList<>();
    long from;
    if (rv == null || rv.isEmpty() || rv.equals("0")) {
      ObjectService.Page page = objects.list(t, ns, req.getParameter("labelSelector"),
          req.getParameter("fieldSelector"), 0, null, "0".equals(rv));
      initial.addAll(page.items());
      from = page.revision();
    } else {
      try {
        from = Long.parseLong(rv);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("invalid resourceVersion \"" + rv + "\"");
      }
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    Watch w;
    try {
      w = store.watch(ObjectKeys.listPrefix(t, ns), from, new WatchListener() {
        @Override
        public void onEvents(List<WatchEvent> events) {
          queue.addAll(events);
        }

        @Override
        public void onError(StoreException error) {
          queue.add(error);
        }
      });
    } catch (RevisionCompactedException e) {
      w = null;
      queue.add(e);
    }
    resp.setStatus(200);
    resp.setContentType(table ? TABLE_TYPE : "application/json");
    resp.setHeader("Transfer-Encoding", "chunked");
    OutputStream out = resp.getOutputStream();
    boolean[] first = {true};
    try {
      for (ObjectNode o : initial) {
        writeEvent(out, "ADDED", t, o, table, first);
      }
      out.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      long nextBookmark = System.nanoTime() + bookmarkInterval.toNanos();
      long sentUpTo = from;
      while (System.nanoTime() < deadline) {
        Object item = queue.poll(1, TimeUnit.SECONDS);
        if (item == null && bookmarks && w != null && System.nanoTime() >= nextBookmark) {
          // Tells the client how far this watch has seen, so it can resume from there even
          // when nothing it selects has changed. The hub queues events before it advances
          // its progress, so an empty queue after reading the progress means every event up
          // to it was written.
          long progress = Math.max(sentUpTo, w.lastDeliveredRevision());
          if (queue.isEmpty()) {
            ObjectNode ev = json.createObjectNode().put("type", "BOOKMARK");
            ObjectNode marker = ev.putObject("object").put("kind", t.kind()).put("apiVersion", t.apiVersion());
            marker.putObject("metadata").put("resourceVersion", Long.toString(progress));
            out.write(json.writeValueAsBytes(ev));
            out.write('\n');
            out.flush();
            nextBookmark = System.nanoTime() + bookmarkInterval.toNanos();
          }
        }
        if (item == null) {
          out.flush(); // detects a client that went away
          continue;
        }
        if (item instanceof StoreException error) {
          ApiException gone = error instanceof RevisionCompactedException
              ? ApiException.expired("too old resource version: " + from + " (" + ((RevisionCompactedException) error).compacted() + ")")
              : ApiException.unavailable(error.getMessage());
          ObjectNode ev = json.createObjectNode().put("type", "ERROR");
          ev.set("object", gone.toStatus());
          out.write(json.writeValueAsBytes(ev));
          out.write('\n');
          out.flush();
          return;
        }
        WatchEvent e = (WatchEvent) item;
        sentUpTo = Math.max(sentUpTo, e.revision());
        ObjectNode o = objects.decode(t, e.kv());
        String type;
        if (e.type() == WatchEvent.Type.DELETE) {
          ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(e.revision()));
          type = "DELETED";
        } else {
          type = e.kv().version() == 1 ? "ADDED" : "MODIFIED";
        }
        if (match.test(o)) {
          writeEvent(out, type, t, o, table, first);
          if (queue.isEmpty()) {
            out.flush();
          }
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    } catch (IOException gone) {
      // the client closed the stream
    } finally {
      if (w != null) {
        w.close();
      }
    }
  }

  private void writeEvent(OutputStream out, String type, ResourceType t, ObjectNode o, boolean table,
      boolean[] first) throws IOException {
    ObjectNode ev = json.createObjectNode().put("type", type);
    ev.set("object", table ? Tables.table(t, List.of(o), o.path("metadata").path("resourceVersion").asText(),
        first[0], clock.instant()) : o);
    first[0] = false;
    out.write(json.writeValueAsBytes(ev));
    out.write('\n');
  }

  private static final java.util.Set<String> DELETE_OPTION_FIELDS = java.util.Set.of("kind", "apiVersion",
      "gracePeriodSeconds", "preconditions", "propagationPolicy", "orphanDependents", "dryRun");

  /** The DeleteOptions body of a DELETE, if any; anything else in the body is a 400. */
  private Optional<JsonNode> deleteOptions(HttpServletRequest req) throws IOException {
    byte[] raw = readBody(req);
    if (raw.length == 0) {
      return Optional.empty();
    }
    JsonNode options = parse(raw, req.getContentType());
    if (!options.isObject() || !options.path("kind").asText("DeleteOptions").equals("DeleteOptions")) {
      throw ApiException.badRequest("the body of a DELETE must be a DeleteOptions object");
    }
    for (java.util.Iterator<String> it = options.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!DELETE_OPTION_FIELDS.contains(f)) {
        throw ApiException.badRequest("DeleteOptions: strict decoding error: unknown field \"" + f + "\"");
      }
    }
    return Optional.of(options);
  }

  private void accessReview(HttpServletRequest req, HttpServletResponse resp, String plural) throws IOException {
    readBody(req);
    ObjectNode review = json.createObjectNode();
    review.put("apiVersion", "authorization.k8s.io/v1")
        .put("kind", plural.startsWith("self") ? "SelfSubjectAccessReview" : "SubjectAccessReview");
    review.putObject("metadata");
    review.putObject("spec");
    // One role today: an authenticated caller is the administrator.
    review.putObject("status").put("allowed", true).put("reason", "authenticated as the cluster administrator");
    sendJson(resp, 201, review, "application/json");
  }

  private void sendWritten(HttpServletRequest req, HttpServletResponse resp, ResourceType t, int code,
      ObjectService.Written w) throws IOException {
    for (String warning : w.warnings()) {
      resp.addHeader("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
    }
    sendJson(resp, code, w.object(), "application/json");
  }

  private ObjectService.WriteOptions writeOptions(HttpServletRequest req) {
    String dryRun = req.getParameter("dryRun");
    if (dryRun != null && !dryRun.equals("All")) {
      throw ApiException.badRequest("dryRun must be All, not \"" + dryRun + "\"");
    }
    String fv = Optional.ofNullable(req.getParameter("fieldValidation")).orElse("Warn");
    ObjectService.FieldValidation validation = switch (fv) {
      case "Strict" -> ObjectService.FieldValidation.STRICT;
      case "Warn" -> ObjectService.FieldValidation.WARN;
      case "Ignore" -> ObjectService.FieldValidation.IGNORE;
      default -> throw ApiException.badRequest("fieldValidation must be Strict, Warn or Ignore, not \"" + fv + "\"");
    };
    return new ObjectService.WriteOptions(dryRun != null, validation);
  }

  private JsonNode body(HttpServletRequest req) throws IOException {
    byte[] raw = readBody(req);
    if (raw.length == 0) {
      throw ApiException.badRequest("the request has no body");
    }
    return parse(raw, req.getContentType());
  }

  private JsonNode parse(byte[] raw, String contentType) {
    String ct = contentType == null ? "application/json" : contentType.toLowerCase();
    if (ct.startsWith("application/vnd.kubernetes.protobuf")) {
      return ProtobufBodies.decode(raw);
    }
    try {
      JsonNode n = ct.contains("yaml") ? yaml.readTree(raw) : json.readTree(raw);
      if (n == null || n.isMissingNode()) {
        throw ApiException.badRequest("the request body is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the request body is not valid " + (ct.contains("yaml") ? "YAML" : "JSON")
          + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the request body cannot be read: " + e.getMessage());
    }
  }

  private static byte[] readBody(HttpServletRequest req) throws IOException {
    if (req.getContentLengthLong() > MAX_BODY) {
      throw ApiException.tooLarge("the request body is larger than " + MAX_BODY + " bytes");
    }
    try (InputStream in = req.getInputStream()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw ApiException.tooLarge("the request body is larger than " + MAX_BODY + " bytes");
      }
      return b;
    }
  }

  private static int intParam(HttpServletRequest req, String name, int dflt) {
    String v = req.getParameter(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a non-negative whole number, not \"" + v + "\"");
    }
  }

  private static boolean wantsAggregated(HttpServletRequest req) {
    String accept = req.getHeader("Accept");
    return accept != null && accept.contains("as=APIGroupDiscoveryList") && accept.contains("v=v2");
  }

  private static boolean wantsTable(HttpServletRequest req) {
    String accept = req.getHeader("Accept");
    return accept != null && accept.contains("as=Table");
  }

  private static ApiException notFoundPath() {
    return new ApiException(404, "NotFound", "the server could not find the requested resource", null);
  }

  private static ApiException methodNotAllowed() {
    return new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null);
  }

  private void sendError(HttpServletRequest req, HttpServletResponse resp, ApiException e) throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    // Read what is left of the body, so the connection stays usable for the client's next request.
    try (InputStream in = req.getInputStream()) {
      in.skipNBytes(0);
      in.readNBytes(MAX_BODY + 1);
    } catch (IOException | IllegalStateException ignored) {
      // the body was already consumed, or the connection is gone
    }
    resp.reset();
    sendJson(resp, e.code(), e.toStatus(), "application/json");
  }

  private void sendJson(HttpServletResponse resp, int code, JsonNode body, String type) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    resp.setStatus(code);
    resp.setContentType(type);
    resp.setHeader("X-Gloo-Node", nodeId);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  private static void sendText(HttpServletResponse resp, int code, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(code);
    resp.setContentType("text/plain; charset=utf-8");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }
}
