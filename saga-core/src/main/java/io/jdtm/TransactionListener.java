package io.jdtm;

/**
 * Observes a manager's transactions: every status change and every branch call with its attempt
 * count and retry time. The hook for logs, alerts and metrics. Called on engine threads after the
 * change is durable; keep it fast and non-blocking. Exceptions it throws are logged and ignored.
 * Implementations must be thread-safe.
 */
public interface TransactionListener {
  /** A transaction changed status. */
  default void onStatusChange(StatusEvent event) {}

  /** A branch op was called (or could not be). */
  default void onBranchCall(BranchEvent event) {}
}
