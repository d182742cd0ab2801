package dev.gloo.extauth.auth;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One AuthConfig: its {@code configs} in order, combined either all-must-pass (Gloo's default)
 * or by its {@code booleanExpr}. On success the upstream headers of every config that allowed
 * the request are sent, in config order; on failure the denial of the config that decided it.
 */
public final class AuthChain implements AuthCheck {
  /** A config with its name ({@code name}, or Gloo's {@code config_<index>}). */
  public record Step(String name, AuthCheck check) {}

  private final List<Step> steps;
  private final Optional<BooleanExpr> expr;

  /**
   * @throws IllegalArgumentException when there are no configs, names repeat, or the
   *     expression does not parse or names an unknown config
   */
  public AuthChain(List<Step> steps, Optional<String> booleanExpr) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("an AuthConfig needs at least one config");
    }
    Map<String, Step> byName = new LinkedHashMap<>();
    for (Step s : steps) {
      if (byName.put(s.name(), s) != null) {
        throw new IllegalArgumentException("two configs are named " + s.name());
      }
    }
    this.steps = List.copyOf(steps);
    this.expr = booleanExpr.filter(e -> !e.isBlank()).map(BooleanExpr::parse);
    this.expr.ifPresent(e -> e.names().forEach(n -> {
      if (!byName.containsKey(n)) {
        throw new IllegalArgumentException("booleanExpr names " + n + ", which is not a config (configs: "
            + byName.keySet() + ")");
      }
    }));
  }

  @Override
  public Decision check(AuthRequest request) {
    if (expr.isEmpty()) {
      Decision result = Decision.allow();
      for (Step s : steps) {
        Decision d = s.check().check(request);
        if (!d.allowed()) {
          return d;
        }
        result = result.plus(d);
      }
      return result;
    }
    // Each config runs at most once even if the expression names it twice.
    Map<String, Decision> ran = new HashMap<>();
    Decision[] lastDenial = {null};
    boolean ok = expr.get().evaluate(name -> ran.computeIfAbsent(name, n -> {
      Decision d = find(n).check().check(request);
      if (!d.allowed()) {
        lastDenial[0] = d;
      }
      return d;
    }).allowed());
    if (!ok) {
      return lastDenial[0] != null ? lastDenial[0] : Decision.forbidden("booleanExpr is false");
    }
    Decision result = Decision.allow();
    for (Step s : steps) {
      Decision d = ran.get(s.name());
      if (d != null && d.allowed()) {
        result = result.plus(d);
      }
    }
    return result;
  }

  private Step find(String name) {
    for (Step s : steps) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalStateException("checked at construction: " + name);
  }
}
