package dev.gloo.store;

import java.util.List;
import java.util.Optional;

/**
 * What a transaction did. When it succeeded, {@code revision} is the store revision after it
 * (the Raft index of its entry if it changed anything) and {@code results} has one entry per
 * operation, in order. When a condition failed, nothing changed: {@code failedCondition} is the
 * index of the first condition that did not hold and {@code current} is that key's state then
 * (empty if it did not exist).
 */
public record TxnResult(
    boolean succeeded,
    long revision,
    List<OpResult> results,
    int failedCondition,
    Optional<KeyValue> current) {

  public TxnResult {
    results = List.copyOf(results);
  }

  public static TxnResult success(long revision, List<OpResult> results) {
    return new TxnResult(true, revision, results, -1, Optional.empty());
  }

  public static TxnResult failure(long revision, int failedCondition, Optional<KeyValue> current) {
    return new TxnResult(false, revision, List.of(), failedCondition, current);
  }

  /**
   * The effect of one operation. For a put, {@code after} is the key's new state (its value is
   * the one written). For a delete, {@code before} is the state that was removed, if any.
   */
  public record OpResult(String key, Optional<KeyValue> before, Optional<KeyValue> after) {}
}
