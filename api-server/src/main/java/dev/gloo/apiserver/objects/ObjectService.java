package dev.gloo.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.api.crd.CrdCatalog;
import dev.gloo.api.crd.ResourceType;
import dev.gloo.api.validation.CelRules;
import dev.gloo.api.validation.FieldError;
import dev.gloo.api.validation.SchemaDefaults;
import dev.gloo.api.validation.SchemaValidator;
import dev.gloo.store.InvalidRequestException;
import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.RevisionNotHeldException;
import dev.gloo.store.Store;
import dev.gloo.store.StoreUnavailableException;
import dev.gloo.store.TooLargeException;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The Kubernetes object semantics over the store: metadata (uid, resourceVersion = store
 * revision, generation, creationTimestamp), defaulting and validation, optimistic concurrency,
 * the status subresource, dry runs, and the errors kube-apiserver returns. Every write is one
 * store transaction; a failed precondition never leaves a partial write.
 */
public final class ObjectService {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final int PATCH_RETRIES = 5;
  private static final String ALNUM = "bcdfghjklmnpqrstvwxz2456789";

  private final Store store;
  private final CrdCatalog catalog;
  private final ObjectMapper json;
  private final Clock clock;
  private final SchemaValidator schemas = new SchemaValidator();
  private final CelRules cel = new CelRules();
  private final SecureRandom random = new SecureRandom();

  /** How long a write waits for this node to apply the revision its client names. */
  private static final Duration CATCH_UP = Duration.ofMillis(250);

  public ObjectService(Store store, CrdCatalog catalog, ObjectMapper json, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.json = json;
    this.clock = clock;
  }

  public enum FieldValidation { STRICT, WARN, IGNORE }

  /** Per-request write options: {@code dryRun=All} and {@code fieldValidation}. */
  public record WriteOptions(boolean dryRun, FieldValidation fieldValidation) {
    public static final WriteOptions DEFAULT = new WriteOptions(false, FieldValidation.WARN);
  }

  /** A write's outcome: the object as stored (or as it would be), warnings, and whether it was created. */
  public record Written(ObjectNode object, List<String> warnings, boolean created) {}

  public CrdCatalog catalog() {
    return catalog;
  }

  // ---- reads ----

  public ObjectNode get(ResourceType t, String ns, String name, boolean local) {
    Optional<KeyValue> kv = read(ObjectKeys.key(t, ns, name), local);
    return kv.map(v -> decode(t, v)).orElseThrow(() -> ApiException.notFound(t, name));
  }

  /** A list page: items, the revision it was read at, and the continue token (if more). */
  public record Page(List<ObjectNode> items, long revision, Optional<String> continueToken) {}

  /**
   * A page of a list. The pages after the first read the first page's revision (the continue
   * token carries it), from the state this node keeps for them for a while; when it no longer
   * does, the list fails with 410 Expired and the client starts again, as with Kubernetes.
   */
  public Page list(ResourceType t, String ns, String labelSelector, String fieldSelector, int limit,
      String continueToken, boolean local) {
    Predicate<JsonNode> match = Selectors.labels(labelSelector).and(Selectors.fields(fieldSelector));
    Optional<Continue> from = Optional.ofNullable(continueToken).filter(s -> !s.isEmpty()).map(this::decodeContinue);
    Optional<String> startAfter = from.map(Continue::start);
    long revision = from.map(Continue::revision).orElse(-1L);
    String prefix = ObjectKeys.listPrefix(t, ns);
    List<ObjectNode> items = new ArrayList<>();
    Optional<String> next = Optional.empty();
    while (true) {
      int want = limit > 0 ? limit - items.size() : 0;
      int batch = want > 0 ? Math.max(want, 50) : 0;
      RangeResult r = revision < 0 ? range(prefix, batch, startAfter, local) : rangeAt(revision, prefix, batch, startAfter);
      revision = r.revision();
      String lastKey = null;
      for (KeyValue kv : r.items()) {
        lastKey = kv.key();
        ObjectNode o = decode(t, kv);
        if (match.test(o)) {
          items.add(o);
          if (limit > 0 && items.size() == limit) {
            break;
          }
        }
      }
      boolean full = limit > 0 && items.size() == limit;
      boolean more = r.continueAfter().isPresent()
          || (full && lastKey != null && !lastKey.equals(r.items().get(r.items().size() - 1).key()));
      if (full) {
        if (more) {
          next = Optional.of(encodeContinue(new Continue(revision, lastKey)));
        }
        break;
      }
      if (r.continueAfter().isEmpty()) {
        break;
      }
      startAfter = r.continueAfter();
    }
    return new Page(items, revision, next);
  }

  // ---- writes ----

  public Written create(ResourceType t, String ns, JsonNode body, WriteOptions opts) {
    ObjectNode obj = asObject(body);
    checkTypeMeta(t, obj);
    ObjectNode meta = metadata(obj);
    String name = meta.path("name").asText("");
    if (name.isEmpty() && !meta.path("generateName").asText("").isEmpty()) {
      name = meta.get("generateName").asText() + randomSuffix();
      meta.put("name", name);
    }
    ns = checkNamespace(t, ns, meta);
    if (!meta.path("resourceVersion").asText("").isEmpty()) {
      throw ApiException.badRequest("resourceVersion should not be set on objects to be created");
    }
    List<FieldError> metaErrors = validateMeta(t, meta);
    if (!metaErrors.isEmpty()) {
      throw ApiException.invalid(t, name.isEmpty() ? "<unknown>" : name, metaErrors);
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    meta.put("generation", 1);
    meta.remove(List.of("resourceVersion", "selfLink", "deletionTimestamp", "managedFields"));
    if (t.statusSubresource()) {
      obj.remove("status");
    }
    if (t.group().isEmpty() && t.kind().equals("Namespace")) {
      obj.putObject("status").put("phase", "Active");
    }
    List<String> warnings = prepare(t, obj, null, opts);
    String key = ObjectKeys.key(t, ns, name);
    if (opts.dryRun()) {
      if (t.namespaced() && read(ObjectKeys.namespaceKey(ns), false).isEmpty()) {
        throw ApiException.namespaceNotFound(ns);
      }
      if (read(key, false).isPresent()) {
        throw ApiException.alreadyExists(t, name);
      }
      return new Written(obj, warnings, true);
    }
    // One entry checks both that the namespace exists and that the name is free, so a
    // namespace deleted meanwhile cannot end up holding a new object.
    Txn.Builder txn = Txn.builder();
    if (t.namespaced()) {
      txn.ifPresent(ObjectKeys.namespaceKey(ns));
    }
    TxnResult r = write(txn.ifAbsent(key).put(key, encode(obj)).build());
    if (!r.succeeded()) {
      if (t.namespaced() && r.failedCondition() == 0) {
        throw ApiException.namespaceNotFound(ns);
      }
      throw ApiException.alreadyExists(t, name);
    }
    return new Written(withVersion(obj, r.revision()), warnings, true);
  }

  /**
   * PUT: replaces the object. A {@code metadata.resourceVersion} in the body must match the
   * stored one (409 otherwise). With {@code statusOnly} only {@code status} is taken from the
   * body; otherwise {@code status} is kept as stored when the kind has a status subresource.
   */
  public Written update(ResourceType t, String ns, String name, JsonNode body, boolean statusOnly,
      WriteOptions opts) {
    ObjectNode obj = asObject(body);
    checkTypeMeta(t, obj);
    ObjectNode meta = metadata(obj);
    if (!meta.path("name").asText(name).equals(name)) {
      throw ApiException.badRequest("the name of the object (" + meta.path("name").asText()
          + ") does not match the name on the URL (" + name + ")");
    }
    meta.put("name", name);
    ns = checkNamespace(t, ns, meta);
    String rv = meta.path("resourceVersion").asText("");
    String key = ObjectKeys.key(t, ns, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue current = (attempt == 0 ? readForWrite(key, rv) : read(key, false))
          .orElseThrow(() -> ApiException.notFound(t, name));
      if (!rv.isEmpty() && !rv.equals(Long.toString(current.modRevision()))) {
        throw ApiException.conflict(t, name);
      }
      try {
        return replace(t, ns, name, current, obj.deepCopy(), statusOnly, opts);
      } catch (ApiException e) {
        // Without a resourceVersion the client asked for an unconditional update: a newer
        // object than the one read only means "read again".
        if (!e.reason().equals("Conflict") || !rv.isEmpty() || attempt >= PATCH_RETRIES) {
          throw e;
        }
      }
    }
  }

  /** PATCH with one of the supported content types; apply patches create a missing object. */
  public Written patch(ResourceType t, String ns, String name, String contentType, JsonNode patch,
      boolean statusOnly, WriteOptions opts) {
    String ct = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase();
    for (int attempt = 0; ; attempt++) {
      // The first attempt starts from this node's applied state (the write is a compare-and-
      // swap, so a stale start only costs a retry); retries read linearizably.
      Optional<KeyValue> current = attempt == 0 ? readForWrite(ObjectKeys.key(t, ns, name), "")
          : read(ObjectKeys.key(t, ns, name), false);
      if (current.isEmpty()) {
        if (ct.equals("application/apply-patch+yaml") && !statusOnly) {
          ObjectNode obj = asObject(patch).deepCopy();
          String bodyName = metadata(obj).path("name").asText(name);
          if (!bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName
                + ") does not match the name on the URL (" + name + ")");
          }
          metadata(obj).put("name", name);
          return create(t, ns, obj, opts);
        }
        throw ApiException.notFound(t, name);
      }
      ObjectNode base = decode(t, current.get());
      JsonNode patched = switch (ct) {
        case "application/merge-patch+json", "application/apply-patch+yaml" -> Patches.merge(base, patch);
        case "application/json-patch+json" -> Patches.jsonPatch(base, patch);
        case "application/strategic-merge-patch+json" -> {
          if (!t.group().isEmpty()) {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown"
                + " format - accepted media types include: application/json-patch+json,"
                + " application/merge-patch+json, application/apply-patch+yaml", null);
          }
          yield Patches.strategicMerge(base, patch);
        }
        default -> throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an"
            + " unknown format - accepted media types include: application/json-patch+json,"
            + " application/merge-patch+json, application/apply-patch+yaml,"
            + " application/strategic-merge-patch+json", null);
      };
      ObjectNode obj = asObject(patched);
      String rv = obj.path("metadata").path("resourceVersion").asText("");
      boolean explicitVersion = !rv.isEmpty() && !rv.equals(base.path("metadata").path("resourceVersion").asText());
      if (explicitVersion) {
        throw ApiException.conflict(t, name);
      }
      try {
        checkTypeMeta(t, obj);
        metadata(obj).put("name", name);
        return replace(t, ns, name, current.get(), obj, statusOnly, opts);
      } catch (ApiException e) {
        // A patch applies to whatever is current: a concurrent write only means "patch again".
        if (!e.reason().equals("Conflict") || attempt >= PATCH_RETRIES) {
          throw e;
        }
      }
    }
  }

  private Written replace(ResourceType t, String ns, String name, KeyValue current, ObjectNode obj,
      boolean statusOnly, WriteOptions opts) {
    Replacement r = replacement(t, name, current, obj, statusOnly, opts);
    if (!r.changed()) {
      return new Written(r.object(), r.warnings(), false); // no write, same resourceVersion
    }
    if (opts.dryRun()) {
      return new Written(withVersion(r.object(), current.modRevision()), r.warnings(), false);
    }
    TxnResult written = write(Txn.compareAndSwap(ObjectKeys.key(t, ns, name), current.modRevision(), encode(r.object())));
    if (!written.succeeded()) {
      throw ApiException.conflict(t, name);
    }
    return new Written(withVersion(r.object(), written.revision()), r.warnings(), false);
  }

  /** What replacing {@code current} with {@code obj} stores: the object, and whether it differs. */
  private record Replacement(ObjectNode object, List<String> warnings, boolean changed) {}

  private Replacement replacement(ResourceType t, String name, KeyValue current, ObjectNode obj,
      boolean statusOnly, WriteOptions opts) {
    ObjectNode old = decode(t, current);
    ObjectNode next;
    if (statusOnly) {
      next = old.deepCopy();
      if (obj.has("status")) {
        next.set("status", obj.get("status"));
      } else {
        next.remove("status");
      }
    } else {
      next = obj;
      if (t.statusSubresource()) {
        if (old.has("status")) {
          next.set("status", old.get("status"));
        } else {
          next.remove("status");
        }
      }
    }
    ObjectNode meta = metadata(next);
    ObjectNode oldMeta = (ObjectNode) old.get("metadata");
    for (String kept : List.of("uid", "creationTimestamp", "generation", "namespace")) {
      if (oldMeta.has(kept)) {
        meta.set(kept, oldMeta.get(kept));
      } else {
        meta.remove(kept);
      }
    }
    meta.remove(List.of("resourceVersion", "managedFields", "selfLink"));
    List<FieldError> metaErrors = validateMeta(t, meta);
    if (!metaErrors.isEmpty()) {
      throw ApiException.invalid(t, name, metaErrors);
    }
    List<String> warnings = prepare(t, next, old, opts);
    ObjectNode oldBare = old.deepCopy();
    ((ObjectNode) oldBare.get("metadata")).remove("resourceVersion");
    if (!withoutMetaAndStatus(next).equals(withoutMetaAndStatus(oldBare))) {
      long generation = oldMeta.path("generation").asLong(1) + 1;
      // As an int when it fits, so that it compares equal to what JSON parsing gives back.
      if (generation <= Integer.MAX_VALUE) {
        meta.put("generation", (int) generation);
      } else {
        meta.put("generation", generation);
      }
    }
    if (next.equals(oldBare)) {
      return new Replacement(old, warnings, false);
    }
    return new Replacement(next, warnings, true);
  }

  /** A status for an object, whose body carries the resourceVersion the status was judged on. */
  public record StatusUpdate(ResourceType type, String namespace, String name, ObjectNode body) {}

  /**
   * Stores several statuses in one store transaction, each conditional on its object's
   * resourceVersion: all are written or none. Returns false when any object is no longer at the
   * version its update names (nothing is written then; the caller may write them one by one).
   * Statuses equal to the stored ones are left out.
   */
  public boolean updateStatuses(List<StatusUpdate> updates) {
    Txn.Builder txn = Txn.builder();
    boolean any = false;
    for (StatusUpdate u : updates) {
      String key = ObjectKeys.key(u.type(), u.namespace(), u.name());
      String rv = metadata(u.body()).path("resourceVersion").asText("");
      Optional<KeyValue> current = read(key, true);
      if (current.isEmpty() || !rv.equals(Long.toString(current.get().modRevision()))) {
        return false;
      }
      ObjectNode obj = u.body().deepCopy();
      checkTypeMeta(u.type(), obj);
      Replacement r = replacement(u.type(), u.name(), current.get(), obj, true, WriteOptions.DEFAULT);
      if (r.changed()) {
        txn.ifModRevision(key, current.get().modRevision()).put(key, encode(r.object()));
        any = true;
      }
    }
    return !any || write(txn.build()).succeeded();
  }

  /**
   * Deletes the object (with a resourceVersion precondition when given) and returns it as it
   * was. Deleting a namespace deletes every object in it first.
   */
  public ObjectNode delete(ResourceType t, String ns, String name, Optional<String> preconditionVersion,
      WriteOptions opts) {
    for (int attempt = 0; ; attempt++) {
      String key = ObjectKeys.key(t, ns, name);
      KeyValue current = (attempt == 0 ? readForWrite(key, preconditionVersion.orElse("")) : read(key, false))
          .orElseThrow(() -> ApiException.notFound(t, name));
      if (preconditionVersion.isPresent() && !preconditionVersion.get().equals(Long.toString(current.modRevision()))) {
        throw ApiException.conflict(t, name);
      }
      ObjectNode obj = decode(t, current);
      if (opts.dryRun()) {
        return obj;
      }
      if (!t.namespaced() && t.kind().equals("Namespace") && t.group().isEmpty()) {
        deleteNamespaceContents(name);
      }
      TxnResult r = write(Txn.guardedDelete(current.key(), current.modRevision()));
      if (r.succeeded()) {
        return obj;
      }
      if (preconditionVersion.isPresent() || attempt >= PATCH_RETRIES) {
        throw ApiException.conflict(t, name);
      }
    }
  }

  private void deleteNamespaceContents(String ns) {
    for (ResourceType t : catalog.all()) {
      if (!t.namespaced() || !t.storage()) {
        continue;
      }
      Optional<String> after = Optional.empty();
      do {
        RangeResult page = range(ObjectKeys.listPrefix(t, ns), 100, after, false);
        if (page.items().isEmpty()) {
          break;
        }
        Txn.Builder b = Txn.builder();
        page.items().forEach(kv -> b.delete(kv.key()));
        write(b.build());
        after = page.continueAfter();
      } while (after.isPresent());
    }
  }

  /** Creates the object unless it exists (bootstrap objects such as the default namespaces). */
  public void ensureExists(ResourceType t, String ns, ObjectNode obj) {
    try {
      create(t, ns, obj, new WriteOptions(false, FieldValidation.STRICT));
    } catch (ApiException e) {
      if (!e.reason().equals("AlreadyExists")) {
        throw e;
      }
    }
  }

  // ---- helpers ----

  /** Defaults, unknown fields and validation; returns warnings; throws 400/422. */
  private List<String> prepare(ResourceType t, ObjectNode obj, ObjectNode old, WriteOptions opts) {
    List<String> warnings = new ArrayList<>();
    foldStringData(t, obj);
    if (t.schema().isEmpty()) {
      return warnings;
    }
    JsonNode schema = t.schema().get();
    List<String> unknown = UnknownFields.find(schema, obj, opts.fieldValidation() != FieldValidation.STRICT);
    if (!unknown.isEmpty()) {
      if (opts.fieldValidation() == FieldValidation.STRICT) {
        String list = String.join(", ", unknown.stream().map(u -> "unknown field \"" + u + "\"").toList());
        throw ApiException.badRequest(t.kind() + " in version \"" + t.version() + "\" cannot be handled as a "
            + t.kind() + ": strict decoding error: " + list);
      }
      if (opts.fieldValidation() == FieldValidation.WARN) {
        unknown.forEach(u -> warnings.add("unknown field \"" + u + "\""));
      }
    }
    SchemaDefaults.apply(schema, obj);
    List<FieldError> errors = new ArrayList<>(schemas.validate(t, obj));
    if (errors.isEmpty()) {
      errors.addAll(cel.validate(schema, obj, old));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(t, obj.path("metadata").path("name").asText(), errors);
    }
    return warnings;
  }

  /** Secrets: {@code stringData} is folded into base64 {@code data}; the type defaults to Opaque. */
  private static void foldStringData(ResourceType t, ObjectNode obj) {
    if (!t.group().isEmpty() || !t.kind().equals("Secret")) {
      return;
    }
    if (obj.path("type").asText("").isEmpty()) {
      obj.put("type", "Opaque");
    }
    JsonNode stringData = obj.remove("stringData");
    if (stringData != null && stringData.isObject()) {
      ObjectNode data = obj.has("data") && obj.get("data").isObject() ? (ObjectNode) obj.get("data") : obj.putObject("data");
      stringData.fields().forEachRemaining(f -> data.put(f.getKey(),
          Base64.getEncoder().encodeToString(f.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    }
  }

  private static JsonNode withoutMetaAndStatus(ObjectNode o) {
    ObjectNode c = o.deepCopy();
    c.remove(List.of("metadata", "status"));
    return c;
  }

  private static void checkTypeMeta(ResourceType t, ObjectNode obj) {
    String apiVersion = obj.path("apiVersion").asText("");
    String kind = obj.path("kind").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.equals(t.apiVersion())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + t.apiVersion() + ")");
    }
    if (!kind.isEmpty() && !kind.equals(t.kind())) {
      throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + t.kind() + ")");
    }
    obj.put("apiVersion", t.apiVersion());
    obj.put("kind", t.kind());
  }

  private static String checkNamespace(ResourceType t, String ns, ObjectNode meta) {
    String bodyNs = meta.path("namespace").asText("");
    if (!t.namespaced()) {
      meta.remove("namespace");
      return null;
    }
    if (ns == null || ns.isEmpty()) {
      throw ApiException.badRequest("a namespace is required for " + ApiException.qualified(t));
    }
    if (!bodyNs.isEmpty() && !bodyNs.equals(ns)) {
      throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta.put("namespace", ns);
    return ns;
  }

  private static List<FieldError> validateMeta(ResourceType t, ObjectNode meta) {
    List<FieldError> errors = new ArrayList<>();
    String name = meta.path("name").asText("");
    boolean label = t.group().isEmpty() && (t.kind().equals("Namespace") || t.kind().equals("Service"));
    int max = label ? 63 : 253;
    if (name.isEmpty()) {
      errors.add(new FieldError(FieldError.Reason.FieldValueRequired, "metadata.name",
          "Required value: name or generateName is required"));
    } else if (name.length() > max || !(label ? DNS_LABEL : DNS_SUBDOMAIN).matcher(name).matches()) {
      errors.add(new FieldError(FieldError.Reason.FieldValueInvalid, "metadata.name",
          "Invalid value: \"" + name + "\": a lowercase RFC 1123 " + (label ? "label" : "subdomain")
              + " must consist of lower case alphanumeric characters, '-'" + (label ? "" : " or '.'")
              + ", and must start and end with an alphanumeric character (at most " + max + " characters)"));
    }
    for (String map : List.of("labels", "annotations")) {
      JsonNode m = meta.get(map);
      if (m == null || m.isNull()) {
        meta.remove(map);
        continue;
      }
      if (!m.isObject()) {
        errors.add(new FieldError(FieldError.Reason.FieldValueInvalid, "metadata." + map,
            "Invalid value: must be a map of strings"));
        continue;
      }
      Iterator<Map.Entry<String, JsonNode>> it = m.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          errors.add(new FieldError(FieldError.Reason.FieldValueInvalid, "metadata." + map + "." + e.getKey(),
              "Invalid value: must be a string"));
        }
      }
    }
    return errors;
  }

  private static ObjectNode asObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return (ObjectNode) body;
  }

  private static ObjectNode metadata(ObjectNode obj) {
    JsonNode m = obj.get("metadata");
    if (m == null || m.isNull()) {
      return obj.putObject("metadata");
    }
    if (!m.isObject()) {
      throw ApiException.badRequest("metadata must be an object");
    }
    return (ObjectNode) m;
  }

  private String randomSuffix() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  /** The object a stored record holds, with its resourceVersion. */
  public ObjectNode decode(ResourceType t, KeyValue kv) {
    try {
      ObjectNode o = (ObjectNode) json.readTree(kv.value());
      ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(kv.modRevision()));
      o.put("apiVersion", t.apiVersion()); // versions of one kind share a schema here
      return o;
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("stored object " + kv.key() + " is not valid JSON", e);
    }
  }

  private static ObjectNode withVersion(ObjectNode o, long revision) {
    ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(revision));
    return o;
  }

  private byte[] encode(ObjectNode o) {
    ObjectNode copy = o.deepCopy();
    ((ObjectNode) copy.get("metadata")).remove("resourceVersion");
    try {
      return json.writeValueAsBytes(copy);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The state a write starts from. Every write is a compare-and-swap on the revision it read,
   * so this node's applied state is a safe start: if it is stale the swap fails and the caller
   * retries. When the client names a revision this node has not applied yet (it wrote through
   * another node, or this node's apply trails the commit), it first waits a moment for this
   * node to catch up, which costs no round trip. Only when the local state still cannot decide
   * (the key is missing here, or its revision differs from the one the client sent) is the read
   * repeated linearizably.
   */
  private Optional<KeyValue> readForWrite(String key, String expectedVersion) {
    Optional<KeyValue> local = read(key, true);
    if (!expectedVersion.isEmpty() && !matches(local, expectedVersion)) {
      long expected = revisionOrZero(expectedVersion);
      if (expected > store.local().revision() && store.local().awaitRevision(expected, CATCH_UP)) {
        local = read(key, true);
      }
    }
    if (local.isEmpty() || (!expectedVersion.isEmpty() && !matches(local, expectedVersion))) {
      return read(key, false);
    }
    return local;
  }

  private static boolean matches(Optional<KeyValue> kv, String version) {
    return kv.isPresent() && version.equals(Long.toString(kv.get().modRevision()));
  }

  private static long revisionOrZero(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private Optional<KeyValue> read(String key, boolean local) {
    try {
      return local ? store.local().get(key) : store.get(key);
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (StoreUnavailableException e) {
      throw ApiException.unavailable("the cluster could not answer: " + e.getMessage());
    }
  }

  private RangeResult range(String prefix, int limit, Optional<String> after, boolean local) {
    try {
      return local ? store.local().range(prefix, limit, after) : store.range(prefix, limit, after);
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (StoreUnavailableException e) {
      throw ApiException.unavailable("the cluster could not answer: " + e.getMessage());
    }
  }

  /** A later page of a list, at the revision of its first page, from this node's state. */
  private RangeResult rangeAt(long revision, String prefix, int limit, Optional<String> after) {
    Store.LocalReader local = store.local();
    if (revision > local.revision()) {
      local.awaitRevision(revision, CATCH_UP);
    }
    try {
      return local.rangeAt(revision, prefix, limit, after);
    } catch (RevisionNotHeldException e) {
      throw ApiException.expired("The provided continue parameter is too old to display a consistent list"
          + " result (" + e.getMessage() + "). Start a new list without the continue parameter.");
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private TxnResult write(Txn txn) {
    try {
      return store.txn(txn);
    } catch (TooLargeException e) {
      throw ApiException.tooLarge("the object is too large: " + e.getMessage());
    } catch (InvalidRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (StoreUnavailableException e) {
      throw ApiException.unavailable("the write's outcome is unknown: " + e.getMessage());
    }
  }

  /** What a continue token carries: the list's revision and the last key given so far. */
  private record Continue(long revision, String start) {}

  private String encodeContinue(Continue c) {
    ObjectNode token = json.createObjectNode().put("rv", c.revision()).put("start", c.start());
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(json.writeValueAsBytes(token));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Continue decodeContinue(String token) {
    try {
      JsonNode t = json.readTree(Base64.getUrlDecoder().decode(token));
      if (t != null && t.path("rv").canConvertToExactIntegral() && t.get("rv").asLong() > 0
          && t.path("start").isTextual()) {
        return new Continue(t.get("rv").asLong(), t.get("start").asText());
      }
    } catch (IOException | IllegalArgumentException e) {
      // invalid, as below
    }
    throw ApiException.badRequest("invalid continue token");
  }

  /** A {@code <Kind>List} of the page's items. */
  public ObjectNode toList(ResourceType t, Page page) {
    ObjectNode list = json.createObjectNode();
    list.put("apiVersion", t.apiVersion()).put("kind", t.listKind());
    ObjectNode meta = list.putObject("metadata");
    meta.put("resourceVersion", Long.toString(page.revision()));
    page.continueToken().ifPresent(c -> meta.put("continue", c));
    ArrayNode items = list.putArray("items");
    page.items().forEach(items::add);
    return list;
  }
}
