package dev.gloo.chaos.history;

/**
 * One client operation on one key, from invocation to completion.
 *
 * <p>{@code value} is the value written (create, cas) or read (read; {@code null} when the key
 * was absent); {@code expected} is the value a cas expected to replace. Written values are
 * unique per history, so a value names exactly one write: that is what lets a register with
 * compare-and-set by {@code resourceVersion} be checked as a register with compare-and-set by
 * value.
 *
 * @param process the client (a client that saw an indeterminate result never issues again)
 * @param invokeNanos and {@code completeNanos} are on one monotonic clock;
 *     {@code completeNanos} is {@link Long#MAX_VALUE} for {@link Outcome#INFO}
 */
public record Op(int process, String node, String key, Kind kind, String expected, String value,
    Outcome outcome, String detail, long invokeNanos, long completeNanos) {

  public enum Kind {
    /** POST: ok when the key was absent; fail (409) when it existed. */
    CREATE,
    /** GET: ok with the value, or ok with {@code null} on 404. */
    READ,
    /** PUT with the resourceVersion of {@code expected}: fail (409/404) when it was not current. */
    CAS,
    /**
     * DELETE, with the resourceVersion of {@code expected} as precondition when that is set:
     * fail (404/409) when absent or not current.
     */
    DELETE;

    public boolean writes() {
      return this != READ;
    }
  }

  public enum Outcome {
    /** Completed and took effect as recorded. */
    OK,
    /** Completed with a definite refusal decided on the current state (404/409): no effect. */
    FAIL,
    /** Unknown: timeout, connection lost, 5xx. It may take effect at any time after invoke, or never. */
    INFO
  }

  public boolean isInfo() {
    return outcome == Outcome.INFO;
  }

  @Override
  public String toString() {
    return String.format("p%d %s %s %s%s%s -> %s%s [%s %.3f..%s]", process, node, kind, key,
        expected == null ? "" : " from " + expected, value == null ? "" : " " + value, outcome,
        detail == null ? "" : " (" + detail + ")", node, invokeNanos / 1e9,
        completeNanos == Long.MAX_VALUE ? "inf" : String.format("%.3f", completeNanos / 1e9));
  }
}
