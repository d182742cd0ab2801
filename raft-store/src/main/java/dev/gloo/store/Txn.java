package dev.gloo.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An atomic transaction: if every condition holds, every operation is applied, all in one Raft
 * entry; otherwise nothing is applied. Create-if-absent, compare-and-swap update and guarded
 * delete are each one {@code Txn}.
 */
public record Txn(List<Condition> conditions, List<Op> ops) {
  public Txn {
    conditions = List.copyOf(conditions);
    ops = List.copyOf(ops);
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("a transaction needs at least one operation");
    }
  }

  /** A precondition on one key, checked against the state at the moment the entry is applied. */
  public sealed interface Condition permits Absent, Present, ModRevisionEquals {
    String key();
  }

  /** The key does not exist. */
  public record Absent(String key) implements Condition {
    public Absent { Objects.requireNonNull(key, "key"); }
  }

  /** The key exists, whatever its revision. */
  public record Present(String key) implements Condition {
    public Present { Objects.requireNonNull(key, "key"); }
  }

  /** The key exists and was last changed at exactly {@code modRevision}. */
  public record ModRevisionEquals(String key, long modRevision) implements Condition {
    public ModRevisionEquals { Objects.requireNonNull(key, "key"); }
  }

  /** A change to one key. */
  public sealed interface Op permits Put, Delete {
    String key();
  }

  public record Put(String key, byte[] value) implements Op {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  public record Delete(String key) implements Op {
    public Delete { Objects.requireNonNull(key, "key"); }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Creates {@code key} only if it does not exist. */
  public static Txn create(String key, byte[] value) {
    return builder().ifAbsent(key).put(key, value).build();
  }

  /** Replaces {@code key} only if it was last changed at {@code modRevision}. */
  public static Txn compareAndSwap(String key, long modRevision, byte[] value) {
    return builder().ifModRevision(key, modRevision).put(key, value).build();
  }

  /** Puts {@code key} whatever its state. */
  public static Txn put(String key, byte[] value) {
    return builder().put(key, value).build();
  }

  /** Deletes {@code key} only if it was last changed at {@code modRevision}. */
  public static Txn guardedDelete(String key, long modRevision) {
    return builder().ifModRevision(key, modRevision).delete(key).build();
  }

  /** Deletes {@code key} if it exists. */
  public static Txn delete(String key) {
    return builder().ifPresent(key).delete(key).build();
  }

  public static final class Builder {
    private final List<Condition> conditions = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();

    public Builder ifAbsent(String key) {
      conditions.add(new Absent(key));
      return this;
    }

    public Builder ifPresent(String key) {
      conditions.add(new Present(key));
      return this;
    }

    public Builder ifModRevision(String key, long modRevision) {
      conditions.add(new ModRevisionEquals(key, modRevision));
      return this;
    }

    public Builder put(String key, byte[] value) {
      ops.add(new Put(key, value));
      return this;
    }

    public Builder delete(String key) {
      ops.add(new Delete(key));
      return this;
    }

    public Txn build() {
      return new Txn(conditions, ops);
    }
  }
}
