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

  private static final byte[] NO_VALUE = new byte[0];

  /**
   * This result with the values of put operations left out: the caller has them already, so
   * the reply that crosses the network need not carry them back.
   */
  public TxnResult withoutPutValues() {
    return new TxnResult(succeeded, revision, results.stream()
        .map(r -> new OpResult(r.key(), r.before(), r.after().map(kv ->
            new KeyValue(kv.key(), NO_VALUE, kv.createRevision(), kv.modRevision(), kv.version()))))
        .toList(), failedCondition, current);
  }

  /** Puts back the values {@link #withoutPutValues()} left out, from the transaction itself. */
  public TxnResult withPutValues(Txn txn) {
    if (!succeeded) {
      return this;
    }
    List<OpResult> filled = new java.util.ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      OpResult r = results.get(i);
      if (txn.ops().get(i) instanceof Txn.Put put && r.after().isPresent()) {
        KeyValue kv = r.after().get();
        r = new OpResult(r.key(), r.before(), Optional.of(
            new KeyValue(kv.key(), put.value(), kv.createRevision(), kv.modRevision(), kv.version())));
      }
      filled.add(r);
    }
    return new TxnResult(succeeded, revision, filled, failedCondition, current);
  }

  /**
   * The effect of one operation. For a put, {@code after} is the key's new state (its value is
   * the one written). For a delete, {@code before} is the state that was removed, if any.
   */
  public record OpResult(String key, Optional<KeyValue> before, Optional<KeyValue> after) {}
}
