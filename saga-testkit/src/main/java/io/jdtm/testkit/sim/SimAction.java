package io.jdtm.testkit.sim;

import java.time.Duration;

/** One step of a simulation plan. Immutable. */
public sealed interface SimAction {
  /** Node {@code node} submits a new transaction. */
  record Submit(int node, TxSpec spec) implements SimAction {}

  /** Node {@code node} submits the {@code pick}-th submitted transaction again, unchanged. */
  record Resubmit(int node, int pick) implements SimAction {}

  /** The clock moves forward. */
  record Advance(Duration by) implements SimAction {}

  /** Node {@code node} runs one recovery pass. */
  record Recover(int node) implements SimAction {}

  /** Node {@code node} crashes now and is replaced by a fresh one. */
  record Crash(int node) implements SimAction {}

  /** Node {@code node} will crash at the {@code skip + 1}-th time it reaches {@code point}. */
  record Arm(int node, CrashPoint point, int skip) implements SimAction {}

  /**
   * Node {@code node} will pause at the {@code skip + 1}-th time it reaches {@code point}: the
   * clock moves past its lease and another node recovers before it resumes (its later writes
   * must be rejected).
   */
  record Pause(int node, CrashPoint point, int skip) implements SimAction {}

  /** Node {@code node}'s clock runs {@code by} ahead of (or, negative, behind) true time. */
  record Skew(int node, Duration by) implements SimAction {}

  /**
   * The store starts failing at these rates (0 to heal), and a fraction {@code delay} of its
   * calls becomes slow: the clock moves forward by up to {@code maxDelay} during such a call.
   */
  record Faults(double before, double after, double conflict, double delay, Duration maxDelay)
      implements SimAction {
    /** Failures without slow calls. */
    public Faults(double before, double after, double conflict) {
      this(before, after, conflict, 0, Duration.ZERO);
    }
  }

  /** A participant receives the {@code pick}-th call it ever got once more (duplicate/late). */
  record Redeliver(int pick) implements SimAction {}

  /** Node {@code node} scans the XA databases for in-doubt branches and resolves them. */
  record RecoverXa(int node) implements SimAction {}

  /**
   * The XA databases start failing prepare, commit and rollback at these rates (0 to heal):
   * {@code before} the call takes effect, or {@code after} (its answer is lost).
   */
  record XaFaults(double before, double after) implements SimAction {}
}
