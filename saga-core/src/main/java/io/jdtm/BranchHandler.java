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
 * @param <T> the payload type; payloads are decoded from their stored form by the manager's codec
 */
@FunctionalInterface
public interface BranchHandler<T> {
  /** Performs the op and says how it went. */
  Outcome handle(BranchContext context, T payload) throws Exception;
}
