package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.internal.PreparedRecords;
import io.jdtm.internal.XaSession;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxRecord;

/**
 * Defines and runs one XA transaction. The record is stored PREPARED before the body runs; in the
 * body, each {@link Xa#branch} registers a branch's commit and rollback, then runs its work in a
 * local XA transaction and prepares it. When the body returns (and every branch it started has
 * ended), the transaction is SUBMITTED and every branch committed (all at once, each retried until
 * it succeeds); when it throws, it is ABORTING and every registered branch rolled back (likewise). If this instance
 * dies in the body, recovery aborts the transaction once it has been PREPARED for {@link
 * #timeoutToFail} (default: the manager's prepared timeout, 35 s), and rolls back its prepared
 * branches.
 *
 * <pre>{@code
 * String gid = tm.xa().execute(xa -> {
 *   xa.branch("orders", c -> { insertOrder(c, order); return Outcome.success(); });
 *   xa.branch("stock", c -> { reserve(c, order); return Outcome.success(); });
 * });
 * }</pre>
 *
 * <p>Not thread-safe: configure and execute it on one thread (the body may run branches from
 * several). Obtain it from {@link TransactionManager#xa()}.
 */
public final class XaTransaction extends TxBuilder<XaTransaction> {
  private final PreparedRecords records;

  XaTransaction(Engine engine, PreparedRecords records, String gid) {
    super(engine, gid);
    this.records = records;
  }

  @Override
  XaTransaction self() {
    return this;
  }

  /**
   * Stores the transaction PREPARED, runs {@code body}, then submits it (body returned) or
   * aborts it (body threw). Commits and rollbacks run after this returns; {@link
   * TransactionManager#await} waits for them.
   *
   * @return the gid, once the transaction is durably SUBMITTED
   * @throws DuplicateTransactionException when the gid exists already
   * @throws JdtmException when the transaction was rolled back although the body returned: a
   *     branch did not succeed (the body caught its exception) or recovery aborted it first
   * @throws StoreUnavailableException when the store failed: the outcome is unknown (recovery
   *     aborts a transaction left PREPARED after its timeout)
   * @throws RuntimeException what the body threw (checked exceptions wrapped in a {@link
   *     JdtmException}), once the transaction is durably ABORTING (or, if the store failed, left
   *     for recovery to abort)
   */
  public String execute(Xa.Body body) {
    TxRecord record = records.xa(gid,
        options(engine.config().defaults().preparedTimeout(), -1, false), customData);
    CreateResult created = engine.create(record);
    if (!created.created()) {
      throw new DuplicateTransactionException(gid, "an XA body runs once per gid");
    }
    XaSession session = XaSession.begin(engine, created.record());
    boolean drivenHere = false;
    try {
      try {
        body.run(session);
      } catch (Exception | Error e) {
        session.end();
        drivenHere = PreparedBodies.abort(engine, gid, Mode.XA, e);
        throw PreparedBodies.rethrowable(gid, "XA", e);
      }
      if (!session.end()) {
        JdtmException interrupted = new JdtmException("the XA body returned while branches it "
            + "started still ran, and they did not end in time (or the wait was interrupted)",
            gid, null, null, null);
        drivenHere = PreparedBodies.abort(engine, gid, Mode.XA, interrupted);
        throw interrupted;
      }
      if (session.failure() != null) { // the body caught a failed branch: never commit it
        drivenHere = PreparedBodies.abort(engine, gid, Mode.XA, session.failure());
        throw session.failure();
      }
      drivenHere = PreparedBodies.submit(engine, gid, Mode.XA);
      return gid;
    } finally {
      if (!drivenHere) {
        // Another instance decides and finishes it (or recovery will): let go of the prepared
        // branches' connections, which MariaDB would not let it finish them through.
        session.releaseHeld();
      }
    }
  }
}
