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
 * payload type is exactly the class of the submitted payload receives that very object when no
 * one can change it (a string, a boxed primitive, an enum, a JDK value type such as {@code UUID}
 * or {@code Instant}, or a record whose components are all primitives or such types): it was
 * encoded from it for the store and is not decoded again. Any other payload, and every payload
 * anywhere else (another manager, a recovery), is a copy decoded from the stored form by the
 * manager's codec. Make payload types survive encoding and decoding unchanged, so that every call
 * sees what is stored.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface BranchHandler<T> {
  /** Performs the op and says how it went. */
  Outcome handle(BranchContext context, T payload) throws Exception;
}
