package dev.gloo.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Label selectors ({@code a=b,c!=d,e in (x,y),f notin (z),g,!h}) and field selectors. */
public final class Selectors {
  private Selectors() {}

  public static Predicate<JsonNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> terms = new ArrayList<>();
    for (String term : splitTerms(selector)) {
      terms.add(labelTerm(term.strip()));
    }
    return o -> terms.stream().allMatch(t -> t.test(o.path("metadata").path("labels")));
  }

  /** {@code metadata.name=x} and {@code metadata.namespace=y} (with {@code =}, {@code ==}, {@code !=}). */
  public static Predicate<JsonNode> fields(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> terms = new ArrayList<>();
    for (String term : selector.split(",")) {
      String t = term.strip();
      boolean negate = t.contains("!=");
      String[] kv = t.split(negate ? "!=" : "==?", 2);
      if (kv.length != 2) {
        throw ApiException.badRequest("invalid field selector \"" + t + "\"");
      }
      String field = kv[0].strip();
      String value = kv[1].strip();
      if (!field.equals("metadata.name") && !field.equals("metadata.namespace")) {
        throw ApiException.badRequest("field label not supported: " + field);
      }
      String leaf = field.substring("metadata.".length());
      terms.add(o -> value.equals(o.path("metadata").path(leaf).asText()) != negate);
    }
    return o -> terms.stream().allMatch(t -> t.test(o));
  }

  private static List<String> splitTerms(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  private static Predicate<JsonNode> labelTerm(String t) {
    java.util.regex.Matcher set = java.util.regex.Pattern
        .compile("^([^\\s!=()]+)\\s+(in|notin)\\s+\\(([^)]*)\\)$").matcher(t);
    if (set.matches()) {
      String key = set.group(1);
      Set<String> values = Set.of(java.util.Arrays.stream(set.group(3).split(","))
          .map(String::strip).filter(v -> !v.isEmpty()).toArray(String[]::new));
      boolean in = set.group(2).equals("in");
      return labels -> labels.has(key) ? values.contains(labels.get(key).asText()) == in : !in;
    }
    if (t.contains("!=")) {
      String[] kv = t.split("!=", 2);
      return labels -> !kv[1].strip().equals(labels.path(kv[0].strip()).asText(null));
    }
    if (t.contains("=")) {
      String[] kv = t.split("==?", 2);
      return labels -> kv[1].strip().equals(labels.path(kv[0].strip()).asText(null));
    }
    if (t.startsWith("!")) {
      String key = t.substring(1).strip();
      return labels -> !labels.has(key);
    }
    if (t.matches("[^\\s!=()]+")) {
      return labels -> labels.has(t);
    }
    throw ApiException.badRequest("unable to parse requirement: \"" + t + "\"");
  }
}
