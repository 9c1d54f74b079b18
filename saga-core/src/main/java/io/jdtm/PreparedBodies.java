package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.spi.TxRecord;

/** What TCC and XA bodies do once they end: submit or abort the PREPARED transaction. */
final class PreparedBodies {
  private PreparedBodies() {}

  /**
   * Submits the transaction.
   *
   * @throws JdtmException when it is rolled back instead (a branch failed, or recovery aborted it)
   */
  static void submit(Engine engine, String gid, Mode mode) {
    TxStatus status = engine.resolvePrepared(gid, mode, TxStatus.SUBMITTED, null);
    if (status != TxStatus.SUBMITTED && status != TxStatus.SUCCEEDED) {
      throw new JdtmException("the transaction is rolled back ("
          + engine.find(gid).map(TxRecord::reason).orElse("gone") + ")", gid, null, null, null);
    }
  }

  /** Aborts the transaction; a store failure is added to {@code cause} (recovery aborts it). */
  static void abort(Engine engine, String gid, Mode mode, Throwable cause) {
    try {
      engine.resolvePrepared(gid, mode, TxStatus.ABORTING, "body failed: " + cause);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** What the body threw, as an unchecked exception to rethrow (errors are thrown from here). */
  static RuntimeException rethrowable(String gid, String kind, Throwable e) {
    if (e instanceof RuntimeException re) {
      return re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new JdtmException("the " + kind + " body failed: " + e, gid, null, null, e);
  }
}
