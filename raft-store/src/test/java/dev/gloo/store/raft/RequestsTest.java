package dev.gloo.store.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gloo.store.InvalidRequestException;
import dev.gloo.store.TooLargeException;
import dev.gloo.store.Txn;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RequestsTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "a\u0000b", "line\nbreak", "\uD800", "x\uDC00", "tab\t"})
  void malformedKeysAreRefusedWithTheField(String key) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> Requests.validate(Txn.builder().ifPresent("/ok").put(key, new byte[0]).build()));
    assertEquals("ops[0].key", e.field());
  }

  @Test
  void keysUpToTheLimitPassAndLongerOnesAreRefused() {
    assertDoesNotThrow(() -> Requests.validateKey("k", "a".repeat(1024)));
    assertDoesNotThrow(() -> Requests.validateKey("k", "/gateways/ns/😀é"));
    TooLargeException e = assertThrows(TooLargeException.class, () -> Requests.validateKey("k", "é".repeat(513)));
    assertEquals(1026, e.size());
  }

  @Test
  void conditionsAreCheckedToo() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> Requests.validate(Txn.builder().ifAbsent("").put("/a", new byte[0]).build()));
    assertEquals("conditions[0].key", e.field());
  }
}
