package io.jdtm.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable map from gid to {@link TxRecord} with a due-time index. Every write is a compare-and-set
 * on the record's version; expected races answer with {@code false} or empty, never with an
 * exception. Failures to reach the store throw {@link io.jdtm.StoreUnavailableException}; after
 * such a failure the write may or may not have happened. Stores keep instants to the millisecond
 * (the engine only produces millisecond instants) and gids exactly, case-sensitively, ordered by
 * code point.
 *
 * <p>Implementations must be thread-safe; every implementation passes the contract suite in
 * {@code saga-testkit}.
 */
public interface TransactionStore extends AutoCloseable {

  /**
   * Stores a new record unless one with its gid exists.
   *
   * @return created, or exists with the stored record
   */
  CreateResult create(TxRecord record);

  /**
   * Stores a new record inside the caller's open transaction on {@code connection}, a connection
   * to the store's own database with auto-commit off: the record is written with the same
   * statements as {@link #create}, and becomes visible to other transactions (recovery included)
   * only when the caller commits; a rollback leaves nothing. The store neither commits, rolls
   * back, nor closes the connection, and does not retry. Stores that can do this declare {@link
   * StoreCapability#CALLER_TRANSACTION}; the default refuses.
   *
   * <p>Wrappers of a store pass this call through to the store they wrap.
   *
   * @return created, or exists with the record as the caller's transaction sees it
   * @throws UnsupportedOperationException when the store cannot write in a caller's transaction
   *     (the default)
   * @throws IllegalArgumentException when the connection does not reach the store's tables
   *     (another database); the caller's transaction is left to the caller
   * @throws io.jdtm.DuplicateTransactionException when a record with this gid exists but the
   *     caller's transaction cannot see it
   * @throws io.jdtm.StoreUnavailableException when the database failed; the caller's transaction
   *     may then be unusable, and is the caller's to roll back
   */
  default CreateResult createIn(java.sql.Connection connection, TxRecord record) {
    throw new UnsupportedOperationException("the store " + this + " cannot write inside the "
        + "caller's transaction; use a JDBC store on the database of that transaction");
  }

  /** The stored record, if any. */
  Optional<TxRecord> load(String gid);

  /**
   * Applies {@code update} if the stored version equals {@link TxUpdate#expectedVersion()} and
   * the record {@link TxRecord#accepts accepts} it. When the update names its {@link
   * TxUpdate#base() base}, the stored record must also have the base's creation time: a record
   * purged and created again under its gid starts at version 1 again, and is another record.
   *
   * @return whether it was applied; {@code false} on a version conflict, an unknown gid, a
   *     terminal record or an illegal status change
   * @throws IllegalArgumentException when it names a branch op the record does not have (an
   *     engine bug); the record is left unchanged
   */
  boolean update(TxUpdate update);

  /**
   * Applies several updates (of distinct gids), each under its own compare-and-set, in as few
   * round trips as the store can. Stores with {@link StoreCapability#BATCHED_APPLY} do it in one.
   *
   * @return one result per update, in order
   * @throws IllegalArgumentException as {@link #update}; which other items of the batch were
   *     applied is then unspecified
   */
  default List<Boolean> apply(List<TxUpdate> updates) {
    List<Boolean> results = new ArrayList<>(updates.size());
    for (TxUpdate u : updates) {
      results.add(update(u));
    }
    return results;
  }

  /**
   * Leases up to {@code limit} non-terminal records due at {@code now}: for each, atomically
   * checks it is still due, sets {@code leaseOwner = owner}, {@code leaseEpoch + 1}, {@code
   * version + 1} and {@code nextDueAt = now + lease} (see {@link TxRecord#claimedBy}). Records
   * are visited oldest-due first (or in another order that starves none). Two concurrent claims
   * never both lease the same record.
   *
   * @return the leased records, as stored after the claim
   */
  List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit);

  /** One page of records matching the query, in gid order. */
  TxPage query(TxQuery query);

  /**
   * Deletes terminal records last updated before {@code finishedBefore}.
   *
   * @return how many were deleted
   */
  int purge(Instant finishedBefore);

  /** What optional behaviour this store offers. */
  Set<StoreCapability> capabilities();

  /** Releases connections and threads. Idempotent. */
  @Override
  void close();
}
