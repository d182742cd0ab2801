package dev.gloo.extauth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthChainTest {
  private final List<String> ran = new ArrayList<>();
  private static final AuthRequest REQUEST = new AuthRequest("GET", "h", "/", Map.of());

  private AuthChain.Step step(String name, boolean allow) {
    return new AuthChain.Step(name, r -> {
      ran.add(name);
      return allow ? Decision.allow(List.of(Header.set("x-" + name, "1")), List.of())
          : Decision.unauthorized(name + " said no");
    });
  }

  @Test
  void withoutAnExpressionEveryConfigMustAllowAndHeadersAccumulate() {
    AuthChain all = new AuthChain(List.of(step("a", true), step("b", true)), Optional.empty());
    Decision d = all.check(REQUEST);
    assertTrue(d.allowed());
    assertEquals(List.of(Header.set("x-a", "1"), Header.set("x-b", "1")), d.headers());

    ran.clear();
    Decision denied = new AuthChain(List.of(step("a", false), step("b", true)), Optional.empty()).check(REQUEST);
    assertEquals("a said no", denied.reason());
    assertEquals(List.of("a"), ran, "the chain stops at the first denial");
  }

  @Test
  void anExpressionShortCircuitsLeftToRight() {
    AuthChain or = new AuthChain(List.of(step("basic", true), step("key", false)), Optional.of("basic || key"));
    assertTrue(or.check(REQUEST).allowed());
    assertEquals(List.of("basic"), ran);

    ran.clear();
    AuthChain fallback = new AuthChain(List.of(step("basic", false), step("key", true)), Optional.of("basic || key"));
    Decision d = fallback.check(REQUEST);
    assertTrue(d.allowed());
    assertEquals(List.of(Header.set("x-key", "1")), d.headers(), "only configs that allowed add headers");
  }

  @Test
  void precedenceIsNotThenAndThenOr() {
    // a || b && !c means a || (b && !c): true as soon as a allows, whatever c says.
    AuthChain chain = new AuthChain(List.of(step("a", true), step("b", false), step("c", true)),
        Optional.of("a || b && !c"));
    assertTrue(chain.check(REQUEST).allowed());
    assertEquals(List.of("a"), ran);
    // Parentheses regroup: (a || b) && !c is false when c allows.
    Decision d = new AuthChain(List.of(step("a", true), step("b", false), step("c", true)),
        Optional.of("(a || b) && !c")).check(REQUEST);
    assertEquals(403, d.status(), d.reason());
    assertEquals("booleanExpr is false", d.reason());
  }

  @Test
  void aFalseExpressionReturnsTheLastDenial() {
    Decision d = new AuthChain(List.of(step("a", false), step("b", false)), Optional.of("a || b")).check(REQUEST);
    assertEquals("b said no", d.reason());
    assertEquals(401, d.status());
  }

  @Test
  void badExpressionsAreRefusedAtLoad() {
    List<AuthChain.Step> steps = List.of(step("a", true), step("b", true));
    assertEquals("booleanExpr names c, which is not a config (configs: [a, b])",
        assertThrows(IllegalArgumentException.class, () -> new AuthChain(steps, Optional.of("a && c"))).getMessage());
    assertEquals("booleanExpr at 3: expected ')'",
        assertThrows(IllegalArgumentException.class, () -> new AuthChain(steps, Optional.of("(a b"))).getMessage());
    assertEquals("booleanExpr at 5: unexpected end",
        assertThrows(IllegalArgumentException.class, () -> new AuthChain(steps, Optional.of("a && "))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new AuthChain(steps, Optional.of("(".repeat(100) + "a" + ")".repeat(100)))).getMessage()
        .contains("nested deeper than 64"));
    assertThrows(IllegalArgumentException.class, () -> new AuthChain(List.of(step("a", true), step("a", true)),
        Optional.empty()));
  }
}
