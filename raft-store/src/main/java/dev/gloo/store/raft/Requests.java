package dev.gloo.store.raft;

import dev.gloo.store.InvalidRequestException;
import dev.gloo.store.Store;
import dev.gloo.store.TooLargeException;
import dev.gloo.store.Txn;
import dev.gloo.store.codec.Codec;

/** Checks requests before they reach the Raft log, so the log holds only valid entries. */
public final class Requests {
  private Requests() {}

  /**
   * @throws InvalidRequestException naming the first field that is wrong
   */
  public static void validate(Txn txn) {
    for (int i = 0; i < txn.conditions().size(); i++) {
      validateKey("conditions[" + i + "].key", txn.conditions().get(i).key());
    }
    for (int i = 0; i < txn.ops().size(); i++) {
      Txn.Op op = txn.ops().get(i);
      validateKey("ops[" + i + "].key", op.key());
      if (op instanceof Txn.Put put && put.value().length > Store.MAX_VALUE_BYTES) {
        throw new TooLargeException("ops[" + i + "].value", put.value().length, Store.MAX_VALUE_BYTES);
      }
    }
    int size = Codec.txnPayloadSize(txn);
    if (size > Store.MAX_TXN_BYTES) {
      throw new TooLargeException("txn", size, Store.MAX_TXN_BYTES);
    }
  }

  /**
   * A key is non-empty, at most {@link Store#MAX_KEY_BYTES} bytes of UTF-8, and has no control
   * characters and no unpaired surrogates (which would not survive UTF-8).
   */
  public static void validateKey(String field, String key) {
    if (key.isEmpty()) {
      throw new InvalidRequestException(field, "key must not be empty");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidRequestException(field,
            "key must not contain control character U+" + String.format("%04X", (int) c));
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= key.length() || !Character.isLowSurrogate(key.charAt(i + 1))) {
          throw new InvalidRequestException(field, "key is not valid Unicode");
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new InvalidRequestException(field, "key is not valid Unicode");
      }
    }
    int bytes = Codec.utf8Length(key);
    if (bytes > Store.MAX_KEY_BYTES) {
      throw new TooLargeException(field, bytes, Store.MAX_KEY_BYTES);
    }
  }

  /** A prefix may be empty (the whole store) but is otherwise a valid key fragment. */
  public static void validatePrefix(String field, String prefix) {
    if (!prefix.isEmpty()) {
      validateKey(field, prefix);
    }
  }

  /** A range's prefix and limit (0 means no limit). */
  public static void validateRange(String prefix, int limit) {
    validatePrefix("prefix", prefix);
    if (limit < 0) {
      throw new InvalidRequestException("limit", "must not be negative");
    }
  }
}
