package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.spi.TxRecord;

/** What TCC and XA bodies do once they end: submit or abort the PREPARED transaction. */
final class PreparedBodies {
  private PreparedBodies() {}

  /**
   * Submits the transaction.
   *
   * @return whether this call submitted it (false: another instance had decided it already)
   * @throws JdtmException when it is rolled back instead (a branch failed, or recovery aborted it)
   */
  static boolean submit(Engine engine, String gid, Mode mode) {
    Engine.Resolution r = engine.resolve(gid, mode, TxStatus.SUBMITTED, null);
    if (r.status() != TxStatus.SUBMITTED && r.status() != TxStatus.SUCCEEDED) {
      throw new JdtmException("the transaction is rolled back ("
          + engine.find(gid).map(TxRecord::reason).orElse("gone") + ")", gid, null, null, null);
    }
    return r.byThisCall();
  }

  /**
   * Aborts the transaction; a store failure is added to {@code cause} (recovery aborts it).
   *
   * @return whether this call aborted it (false: another instance had decided it, or the store
   *     failed)
   */
  static boolean abort(Engine engine, String gid, Mode mode, Throwable cause) {
    try {
      return engine.resolve(gid, mode, TxStatus.ABORTING, "body failed: " + cause).byThisCall();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      return false;
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
