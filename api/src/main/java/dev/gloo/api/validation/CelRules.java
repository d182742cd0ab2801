package dev.gloo.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.CelStandardFunctions.StandardFunction;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the {@code x-kubernetes-validations} CEL rules of a CRD schema against an object
 * (and, on update, the stored object as {@code oldSelf}), as kube-apiserver does: each rule
 * runs with {@code self} bound to the value at the schema node that carries it; a rule that
 * uses {@code oldSelf} is a transition rule and runs only when there is an old value at the
 * same place. Programs are compiled once per rule text and cached.
 */
public final class CelRules {
  private static final int MAX_CACHED_PATTERNS = 512;

  private final CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .addLibraries(CelExtensions.strings())
      .build();
  /** Compiled {@code matches()} patterns: the rules' own literals, and a bounded few more. */
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
      .addLibraries(CelExtensions.strings())
      .setStandardEnvironmentEnabled(false)
      .setStandardFunctions(CelStandardFunctions.newBuilder().excludeFunctions(StandardFunction.MATCHES).build())
      .addFunctionBindings(
          CelFunctionBinding.from("matches", String.class, String.class, this::matches),
          CelFunctionBinding.from("matches_string", String.class, String.class, this::matches))
      .build();
  private final Map<String, Compiled> programs = new ConcurrentHashMap<>();

  private record Compiled(Optional<CelRuntime.Program> program, String compileError, boolean usesOldSelf) {}

  /** Problems found in {@code object}; {@code old} is the stored object on update, else null. */
  public List<FieldError> validate(JsonNode schema, JsonNode object, JsonNode old) {
    List<FieldError> out = new ArrayList<>();
    walk(schema, object, old, "", out, new IdentityHashMap<>());
    return out;
  }

  /**
   * @param converted the CEL form of subtrees already converted in this call: several rules on
   *     one node (and rules on its ancestors' children) share one conversion
   */
  private void walk(JsonNode schema, JsonNode value, JsonNode old, String path, List<FieldError> out,
      Map<JsonNode, Object> converted) {
    if (schema == null || !schema.isObject() || value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    if (value.equals(old)) {
      // Ratcheting, as kube-apiserver does on update: a part left as stored is not judged
      // again, so a rule added later does not lock an object, and an unchanged spec (a status
      // write, a re-apply) costs no rule evaluation.
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      check(rule, value, old, path, out, converted);
    }
    if (value.isObject()) {
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode childSchema = props.has(f.getKey()) ? props.get(f.getKey())
            : additional.isObject() ? additional : null;
        if (childSchema != null && !(path.isEmpty() && f.getKey().equals("metadata"))) {
          JsonNode childOld = old == null ? null : old.get(f.getKey());
          walk(childSchema, f.getValue(), childOld, FieldPath.child(path, f.getKey()), out, converted);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      // Items are correlated with old items only for map-type lists, by their keys; other list
      // items have no oldSelf (as in Kubernetes).
      for (int i = 0; i < value.size(); i++) {
        JsonNode oldItem = correlate(schema, value.get(i), old);
        walk(schema.get("items"), value.get(i), oldItem, FieldPath.index(path, i), out, converted);
      }
    }
  }

  private static JsonNode correlate(JsonNode listSchema, JsonNode item, JsonNode oldList) {
    if (oldList == null || !oldList.isArray() || !"map".equals(listSchema.path("x-kubernetes-list-type").asText())) {
      return null;
    }
    JsonNode keys = listSchema.path("x-kubernetes-list-map-keys");
    for (JsonNode candidate : oldList) {
      boolean same = true;
      for (JsonNode k : keys) {
        same &= item.path(k.asText()).equals(candidate.path(k.asText()));
      }
      if (same) {
        return candidate;
      }
    }
    return null;
  }

  private void check(JsonNode rule, JsonNode value, JsonNode old, String path, List<FieldError> out,
      Map<JsonNode, Object> converted) {
    String text = rule.path("rule").asText();
    Compiled c = programs.computeIfAbsent(text, this::compile);
    if (c.program().isEmpty()) {
      out.add(new FieldError(FieldError.Reason.FieldValueInvalid, field(rule, path),
          "Invalid value: " + SchemaValidator.render(value) + ": rule compile error: " + c.compileError()));
      return;
    }
    if (c.usesOldSelf() && old == null) {
      return;
    }
    Object self = converted.computeIfAbsent(value, CelRules::toCel);
    Object oldSelf = c.usesOldSelf() ? converted.computeIfAbsent(old, CelRules::toCel) : null;
    // A resolver rather than a map of variables: the runtime copies a map on every evaluation.
    CelVariableResolver vars = name -> switch (name) {
      case "self" -> Optional.of(self);
      case "oldSelf" -> Optional.ofNullable(oldSelf);
      default -> Optional.empty();
    };
    String failure;
    try {
      Object result = c.program().get().eval(vars);
      if (Boolean.TRUE.equals(result)) {
        return;
      }
      failure = rule.hasNonNull("message") ? rule.get("message").asText() : "failed rule: " + text;
    } catch (CelEvaluationException e) {
      failure = "rule evaluation error: " + e.getMessage();
    }
    FieldError.Reason reason = reason(rule.path("reason").asText("FieldValueInvalid"));
    String prefix = reason == FieldError.Reason.FieldValueInvalid
        ? "Invalid value: " + SchemaValidator.render(value) + ": "
        : reason.text() + ": ";
    out.add(new FieldError(reason, field(rule, path), prefix + failure));
  }

  /** The field a rule's error names: where the rule sits, or its {@code fieldPath} below that. */
  private static String field(JsonNode rule, String path) {
    String at = rule.hasNonNull("fieldPath") ? path + rule.get("fieldPath").asText() : path;
    at = at.startsWith(".") ? at.substring(1) : at;
    return at.isEmpty() ? "<root>" : at;
  }

  private static FieldError.Reason reason(String name) {
    try {
      return FieldError.Reason.valueOf(name);
    } catch (IllegalArgumentException e) {
      return FieldError.Reason.FieldValueInvalid;
    }
  }

  private Compiled compile(String text) {
    try {
      CelAbstractSyntaxTree ast = compiler.compile(text).getAst();
      return new Compiled(Optional.of(runtime.createProgram(ast)), null, text.contains("oldSelf"));
    } catch (CelValidationException | CelEvaluationException e) {
      return new Compiled(Optional.empty(), e.getMessage(), false);
    }
  }

  /**
   * CEL's {@code matches}, as Kubernetes evaluates it: true if the RE2 pattern matches any part
   * of the string (rules anchor with ^ and $ when they mean the whole). The standard binding
   * compiles the pattern on every call; rules use a few literal patterns, so compile each once.
   */
  private boolean matches(String s, String regex) throws CelEvaluationException {
    Pattern p = patterns.get(regex);
    if (p == null) {
      try {
        p = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw CelEvaluationExceptionBuilder.newBuilder("invalid regex '%s': %s", regex, e.getDescription()).build();
      }
      if (patterns.size() < MAX_CACHED_PATTERNS) {
        patterns.put(regex, p);
      }
    }
    return p.matcher(s).find();
  }

  /** JSON to the values CEL works on: maps, lists, int64, double, string, bool, null. */
  static Object toCel(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (v.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      v.fields().forEachRemaining(f -> m.put(f.getKey(), toCel(f.getValue())));
      return m;
    }
    if (v.isArray()) {
      List<Object> l = new ArrayList<>(v.size());
      v.forEach(e -> l.add(toCel(e)));
      return l;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.asText();
  }
}
