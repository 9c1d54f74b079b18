package io.jdtm;

/**
 * A Java branch handler, registered under a name with {@link
 * TransactionManager.Builder#handler(String, Class, BranchHandler)} and addressed by the target
 * {@code handler:NAME} (or plain {@code NAME}).
 *
 * <p>Calls are at-least-once: a handler may be called again for the same op after a crash, a
 * timeout or a lost answer, and a compensation may arrive for an action that never ran. Make
 * handlers idempotent, or run their effects through the sub-transaction barrier. A handler that
 * throws has an unknown outcome and is retried with backoff. Handlers are called concurrently
 * from several threads and must be thread-safe.
 *
 * <p>A call may run on the thread driving the transaction (the one that called {@code
 * submitAndWait}, say) or on the manager's executor. Either way, a call still running at the
 * request timeout is interrupted and its outcome counts as unknown; a handler that ignores
 * interrupts keeps its thread until it returns.
 *
 * <p>Payloads: on the manager that submitted the transaction, while it drives it, a handler whose
 * payload type is exactly the class of the submitted payload receives that very object (it was
 * encoded from it for the store, and is not decoded again); anywhere else (another manager, a
 * recovery) it receives a copy decoded from the stored form by the manager's codec. The same
 * object may reach the action and the compensation of a step. Treat payload objects as
 * immutable, before and after submitting them, and make them types that survive encoding and
 * decoding unchanged, so that every call sees what is stored.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface BranchHandler<T> {
  /** Performs the op and says how it went. */
  Outcome handle(BranchContext context, T payload) throws Exception;
}
