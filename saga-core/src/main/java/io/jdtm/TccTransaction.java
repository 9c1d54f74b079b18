package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.internal.PreparedRecords;
import io.jdtm.internal.TccSession;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxRecord;

/**
 * Defines and runs one TCC transaction. The record is stored PREPARED before the body runs; in the
 * body, each {@link Tcc#branch} registers a branch's confirm and cancel, then calls its try. When
 * the body returns, the transaction is SUBMITTED and every branch confirmed (retried until it
 * succeeds); when it throws, it is ABORTING and every registered branch cancelled (retried until
 * it succeeds). If this instance dies in the body, recovery aborts the transaction once it has
 * been PREPARED for {@link #timeoutToFail} (default: the manager's prepared timeout, 35 s).
 *
 * <pre>{@code
 * String gid = tm.tcc().execute(tcc -> {
 *   tcc.branch("freezeA", "confirmA", "cancelA", new Transfer("A", 30));
 *   tcc.branch("http://bank-b/try", "http://bank-b/confirm", "http://bank-b/cancel", t);
 * });
 * }</pre>
 *
 * <p>Not thread-safe: configure and execute it on one thread (the body may call branches from
 * several). Obtain it from {@link TransactionManager#tcc()}.
 */
public final class TccTransaction extends TxBuilder<TccTransaction> {
  private final PreparedRecords records;

  TccTransaction(Engine engine, PreparedRecords records, String gid) {
    super(engine, gid);
    this.records = records;
  }

  @Override
  TccTransaction self() {
    return this;
  }

  /**
   * Stores the transaction PREPARED, runs {@code body}, then submits it (body returned) or
   * aborts it (body threw). Confirms and cancels run after this returns.
   *
   * @return the gid, once the transaction is durably SUBMITTED
   * @throws DuplicateTransactionException when the gid exists already
   * @throws JdtmException when the transaction was rolled back although the body returned: a try
   *     did not succeed (the body caught its exception) or recovery aborted it first
   * @throws StoreUnavailableException when the store failed: the outcome is unknown (recovery
   *     aborts a transaction left PREPARED after its timeout)
   * @throws RuntimeException what the body threw (checked exceptions wrapped in a {@link
   *     JdtmException}), once the transaction is durably ABORTING (or, if the store failed, left
   *     for recovery to abort)
   */
  public String execute(Tcc.Body body) {
    TxRecord record = records.tcc(gid,
        options(engine.config().defaults().preparedTimeout(), -1, false), customData);
    CreateResult created = engine.create(record);
    if (!created.created()) {
      throw new DuplicateTransactionException(gid, "a TCC body runs once per gid");
    }
    TccSession session = TccSession.begin(engine, created.record());
    try {
      body.run(session);
    } catch (Exception | Error e) {
      PreparedBodies.abort(engine, gid, Mode.TCC, e);
      throw PreparedBodies.rethrowable(gid, "TCC", e);
    }
    if (session.failure() != null) { // the body caught a failed try: never confirm it
      PreparedBodies.abort(engine, gid, Mode.TCC, session.failure());
      throw session.failure();
    }
    PreparedBodies.submit(engine, gid, Mode.TCC);
    return gid;
  }
}
