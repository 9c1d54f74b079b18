package io.jdtm;

/**
 * The sub-transaction barrier: makes a participant's branch ops exactly-once in effect, although
 * the manager calls them at least once and in any order. It keeps a row per {@code (mode, gid,
 * branch, op, barrier id)} in the participant's own database, written in the same local
 * transaction as the business change, and applies DTM's rules:
 *
 * <ul>
 *   <li>a repeated call finds its row and returns SUCCESS without running the business again;
 *   <li>a compensation or cancel whose action or try never ran (null compensation) records the
 *       origin's row, returns SUCCESS and does nothing;
 *   <li>that row then blocks the late action or try (anti-hanging): it returns SUCCESS and does
 *       nothing;
 *   <li>otherwise the business runs; its FAILURE, ONGOING or exception rolls the local
 *       transaction back, rows included (so the next call runs it again).
 * </ul>
 *
 * <p>A handler may make several barrier calls in one branch op (several local effects), as in
 * DTM: each {@link #call} takes the next barrier id of its context ({@link
 * BranchContext#nextBarrierId}: 01, 02, ...), and the rules apply to each call on its own. A
 * redelivery of the op has a new context counting from 01 again, so its first call repeats the
 * first call of the earlier delivery, its second the second; a compensation's or cancel's call N
 * pairs with its action's or try's call N. The calls must therefore come in the same order on
 * every delivery.
 *
 * <p>A call takes its barrier id even when it fails (its work's FAILURE, ONGOING or exception, or
 * a failure of the participant's database). So never retry {@link #call} within one delivery:
 * the retry would take the next id, and the next delivery would number its calls differently
 * from this one. Throw instead; the manager redelivers the op with a new context. Likewise a
 * compensation or cancel makes as many barrier calls as its action or try: with fewer, only the
 * action's or try's matching calls are blocked when they arrive late, and its further calls run.
 *
 * <p>For 2-phase messages, {@link #call} with op {@link BranchOp#MSG} (branch {@code 00}) guards
 * the local transaction, and {@link #queryPrepared} is the check-back: it decides, once and for
 * all, whether that local transaction committed.
 *
 * <p>Implementations are thread-safe. Register one with {@link
 * TransactionManager.Builder#barrier} so that any instance can check a message back.
 *
 * @param <T> the local transaction handle the business code gets (e.g. a JDBC {@code Connection})
 */
public interface Barrier<T> {
  /**
   * Runs {@code work} under the barrier in one local transaction, committed when this returns.
   * Takes the context's next barrier id ({@link BranchContext#nextBarrierId}) first, exactly once
   * per call.
   *
   * @return SUCCESS without running {@code work} for a repeated call, a null compensation or a
   *     blocked late action; FAILURE for a message local transaction that a check-back already
   *     rolled back; else {@code work}'s outcome
   * @throws Exception what {@code work} throws (the local transaction is rolled back), or a
   *     failure of the participant's database
   */
  Outcome call(BranchContext ctx, LocalWork<T> work) throws Exception;

  /**
   * The check-back of the 2-phase message {@code gid}: whether its local transaction committed.
   * If it has not, this blocks it from ever committing.
   *
   * @return SUCCESS when the local transaction committed (deliver the message); FAILURE when it
   *     did not and now never will (abort the message)
   */
  Outcome queryPrepared(String gid) throws Exception;

  /** Business code run inside the barrier's local transaction. */
  @FunctionalInterface
  interface LocalWork<T> {
    /** Does the business change; anything but SUCCESS (or an exception) rolls it back. */
    Outcome run(T tx) throws Exception;
  }
}
