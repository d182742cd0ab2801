package dev.gloo.chaos.checker;

import dev.gloo.chaos.history.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wing and Gong's search for a linearization, with Lowe's memoization of (linearized set,
 * state) — the algorithm of Knossos and Porcupine — run once per key (P-compositionality: a
 * history of independent objects is linearizable iff each object's sub-history is).
 *
 * <p>Indeterminate operations get a return time of infinity, so they may be linearized at any
 * point after their invocation; and they need not be linearized at all (they may never have
 * taken effect): a key's search succeeds once every determinate operation is linearized. Only
 * their effect is ever tried, never "applied with no effect", which would double the search
 * for every pending one and tell nothing that leaving them out does not.
 */
public final class LinearizabilityChecker<S> {
  private final Model<S> model;
  private final long budgetNanos;

  public LinearizabilityChecker(Model<S> model, long budgetNanos) {
    this.model = model;
    this.budgetNanos = budgetNanos;
  }

  public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

  /**
   * @param key the first key found not linearizable (or out of budget), else null
   * @param longestPrefix the longest linearization found for that key, in order
   * @param stuckAt the determinate operations that could not be linearized after that prefix
   */
  public record Result(Verdict verdict, String key, List<Op> longestPrefix, List<Op> stuckAt,
      int keysChecked, long nanos) {
    public boolean valid() {
      return verdict == Verdict.LINEARIZABLE;
    }

    public String explain() {
      if (valid()) {
        return "linearizable (" + keysChecked + " keys)";
      }
      StringBuilder b = new StringBuilder(verdict + " on key " + key + "\n  longest linearization ("
          + longestPrefix.size() + " ops), last ones:\n");
      for (Op op : longestPrefix.subList(Math.max(0, longestPrefix.size() - 8), longestPrefix.size())) {
        b.append("    ").append(op).append('\n');
      }
      b.append("  then none of these could come next:\n");
      for (Op op : stuckAt) {
        b.append("    ").append(op).append('\n');
      }
      return b.toString();
    }
  }

  public Result check(List<Op> history) {
    long start = System.nanoTime();
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : history) {
      if (op.isInfo() && op.kind() == Op.Kind.READ) {
        continue; // an unanswered read constrains nothing
      }
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    int checked = 0;
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      long left = budgetNanos - (System.nanoTime() - start);
      Result r = checkKey(e.getKey(), e.getValue(), System.nanoTime() + Math.max(0, left));
      checked++;
      if (!r.valid()) {
        return new Result(r.verdict(), r.key(), r.longestPrefix(), r.stuckAt(), checked, System.nanoTime() - start);
      }
    }
    return new Result(Verdict.LINEARIZABLE, null, List.of(), List.of(), checked, System.nanoTime() - start);
  }

  /** A call or return event in the doubly linked list the search lifts entries out of. */
  private static final class Entry {
    final Op op;
    final int id;
    final boolean call;
    final long time;
    Entry match; // the call's return, or the return's call
    Entry prev;
    Entry next;

    Entry(Op op, int id, boolean call, long time) {
      this.op = op;
      this.id = id;
      this.call = call;
      this.time = time;
    }
  }

  private record Frame<S>(Entry call, S stateBefore, int nextAlternative) {}

  private record Memo<S>(BitSet linearized, S state) {}

  private Result checkKey(String key, List<Op> ops, long deadline) {
    List<Entry> events = new ArrayList<>();
    int required = 0;
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      Entry call = new Entry(op, i, true, op.invokeNanos());
      Entry ret = new Entry(op, i, false, op.isInfo() ? Long.MAX_VALUE : op.completeNanos());
      call.match = ret;
      ret.match = call;
      events.add(call);
      events.add(ret);
      if (!op.isInfo()) {
        required++;
      }
    }
    // Calls before returns at equal times: touching operations count as concurrent.
    events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
    Entry head = new Entry(null, -1, false, Long.MIN_VALUE);
    Entry last = head;
    for (Entry e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }

    S state = model.initial();
    BitSet linearized = new BitSet(ops.size());
    Set<Memo<S>> seen = new HashSet<>();
    Deque<Frame<S>> stack = new ArrayDeque<>();
    List<Op> best = List.of();
    List<Op> bestStuck = List.of();
    int remaining = required;
    Entry entry = head.next;
    int firstAlternative = 0;
    long steps = 0;
    while (remaining > 0) {
      if ((++steps & 0xfff) == 0 && System.nanoTime() > deadline) {
        return new Result(Verdict.UNKNOWN, key, best, bestStuck, 0, 0);
      }
      if (entry == null) {
        // Only indeterminate returns (at infinity) can be left at the end: treat as a return.
        throw new IllegalStateException("search ran past the last entry");
      }
      if (entry.call) {
        List<S> nexts = model.step(state, entry.op);
        boolean advanced = false;
        for (int i = firstAlternative; i < nexts.size() && !advanced; i++) {
          S next = nexts.get(i);
          BitSet after = (BitSet) linearized.clone();
          after.set(entry.id);
          if (seen.add(new Memo<>(after, next))) {
            stack.push(new Frame<>(entry, state, i + 1));
            state = next;
            linearized = after;
            lift(entry);
            if (!entry.op.isInfo()) {
              remaining--;
            }
            advanced = true;
          }
        }
        firstAlternative = 0;
        entry = advanced ? head.next : entry.next;
      } else {
        // A return reached: its operation had to be linearized by now. Backtrack.
        if (stack.size() >= best.size()) {
          List<Op> prefix = new ArrayList<>();
          stack.descendingIterator().forEachRemaining(f -> prefix.add(f.call().op));
          best = prefix;
          bestStuck = pendingRequired(head);
        }
        if (stack.isEmpty()) {
          return new Result(Verdict.NOT_LINEARIZABLE, key, best, bestStuck, 0, 0);
        }
        Frame<S> f = stack.pop();
        state = f.stateBefore();
        linearized.clear(f.call().id);
        unlift(f.call());
        if (!f.call().op.isInfo()) {
          remaining++;
        }
        entry = f.call();
        firstAlternative = f.nextAlternative();
      }
    }
    return new Result(Verdict.LINEARIZABLE, key, List.of(), List.of(), 1, 0);
  }

  /** Determinate operations invoked before the first pending return: the candidates that failed. */
  private static List<Op> pendingRequired(Entry head) {
    List<Op> out = new ArrayList<>();
    for (Entry e = head.next; e != null && e.call; e = e.next) {
      out.add(e.op);
    }
    for (Entry e = head.next; e != null; e = e.next) {
      if (!e.call) {
        if (!out.contains(e.op)) {
          out.add(e.op);
        }
        break;
      }
    }
    return out;
  }

  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }
}
