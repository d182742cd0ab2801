package dev.gloo.extauth.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Gloo's {@code booleanExpr} over named configs, e.g. {@code basic1 || (apikey && !jwt)}:
 * {@code !} binds tightest, then {@code &&}, then {@code ||}; evaluated left to right with
 * short-circuiting, so configs that cannot change the result are not run.
 */
public sealed interface BooleanExpr {
  boolean evaluate(Predicate<String> config);

  /** Every config name the expression mentions. */
  Set<String> names();

  record Name(String name) implements BooleanExpr {
    @Override
    public boolean evaluate(Predicate<String> config) {
      return config.test(name);
    }

    @Override
    public Set<String> names() {
      return Set.of(name);
    }
  }

  record Not(BooleanExpr operand) implements BooleanExpr {
    @Override
    public boolean evaluate(Predicate<String> config) {
      return !operand.evaluate(config);
    }

    @Override
    public Set<String> names() {
      return operand.names();
    }
  }

  record And(List<BooleanExpr> operands) implements BooleanExpr {
    @Override
    public boolean evaluate(Predicate<String> config) {
      for (BooleanExpr e : operands) {
        if (!e.evaluate(config)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Set<String> names() {
      Set<String> s = new LinkedHashSet<>();
      operands.forEach(o -> s.addAll(o.names()));
      return s;
    }
  }

  record Or(List<BooleanExpr> operands) implements BooleanExpr {
    @Override
    public boolean evaluate(Predicate<String> config) {
      for (BooleanExpr e : operands) {
        if (e.evaluate(config)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Set<String> names() {
      Set<String> s = new LinkedHashSet<>();
      operands.forEach(o -> s.addAll(o.names()));
      return s;
    }
  }

  /**
   * @throws IllegalArgumentException naming the position of the first syntax error
   */
  static BooleanExpr parse(String text) {
    Parser p = new Parser(text);
    BooleanExpr e = p.or();
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    }
    return e;
  }

  /** Recursive descent; nesting is bounded so a hostile expression cannot exhaust the stack. */
  final class Parser {
    private static final int MAX_DEPTH = 64;
    private final String text;
    private int pos;
    private int depth;

    private Parser(String text) {
      this.text = text;
    }

    BooleanExpr or() {
      List<BooleanExpr> operands = new ArrayList<>(List.of(and()));
      while (accept("||")) {
        operands.add(and());
      }
      return operands.size() == 1 ? operands.get(0) : new Or(List.copyOf(operands));
    }

    BooleanExpr and() {
      List<BooleanExpr> operands = new ArrayList<>(List.of(unary()));
      while (accept("&&")) {
        operands.add(unary());
      }
      return operands.size() == 1 ? operands.get(0) : new And(List.copyOf(operands));
    }

    BooleanExpr unary() {
      if (++depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH);
      }
      try {
        if (accept("!")) {
          return new Not(unary());
        }
        if (accept("(")) {
          BooleanExpr inner = or();
          if (!accept(")")) {
            throw error("expected ')'");
          }
          return inner;
        }
        skipSpace();
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "unexpected end");
        }
        return new Name(text.substring(start, pos));
      } finally {
        depth--;
      }
    }

    private static boolean isNameChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    private boolean accept(String token) {
      skipSpace();
      if (text.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    IllegalArgumentException error(String message) {
      return new IllegalArgumentException("booleanExpr at " + pos + ": " + message);
    }
  }
}
