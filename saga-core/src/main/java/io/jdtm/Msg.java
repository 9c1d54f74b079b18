package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.internal.PreparedRecords;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A 2-phase message (transactional outbox): actions delivered at least once, each retried until it
 * succeeds, if and only if a local transaction commits. {@link #prepare()} stores the message;
 * the local transaction runs; {@link #submit()} releases it. If the process dies in between,
 * recovery asks the check-back whether the local transaction committed, and submits or aborts.
 *
 * <pre>{@code
 * tm.msg()
 *     .add("notifyShipping", order)
 *     .add("http://billing/charge", order)
 *     .doAndSubmit(barrier, conn -> { insertOrder(conn, order); return Outcome.success(); });
 * }</pre>
 *
 * <p>With {@link #doAndSubmit} the local transaction runs under a registered {@link Barrier},
 * which is also the check-back. Otherwise set your own with {@link #checkBack} (a handler or HTTP
 * endpoint answering SUCCESS when the local transaction committed, FAILURE when it did not and
 * never will, ONGOING when it cannot tell yet), then call {@link #prepare()} and {@link
 * #submit()} around your local transaction.
 *
 * <p>With nothing local to guard, submit it directly, as DTM's {@code Submit} without {@code
 * Prepare}: {@code tm.msg().add("notifyShipping", order).submit()} stores it SUBMITTED, with no
 * check-back, and delivers every action at least once.
 *
 * <p>Not thread-safe. Obtain it from {@link TransactionManager#msg()}.
 */
public final class Msg extends TxBuilder<Msg> {
  private final PreparedRecords records;
  private final List<PreparedRecords.Action> actions = new ArrayList<>();
  private String checkBack;

  Msg(Engine engine, PreparedRecords records, String gid) {
    super(engine, gid);
    this.records = records;
  }

  @Override
  Msg self() {
    return this;
  }

  /** Adds an action: a handler name or {@code http(s)://} URL, and its payload. */
  public Msg add(String target, Object payload) {
    actions.add(new PreparedRecords.Action(target, payload));
    return this;
  }

  /** The check-back target (a handler name or {@code http(s)://} URL, called with op MSG). */
  public Msg checkBack(String target) {
    this.checkBack = Objects.requireNonNull(target, "target");
    return this;
  }

  /**
   * Stores the message PREPARED; idempotent for identical content.
   *
   * @return the gid
   * @throws IllegalStateException when no check-back is set
   * @throws InvalidTransactionException on bad input (nothing is stored)
   * @throws NoSuchHandlerException when a target names a handler not registered (nothing is
   *     stored)
   * @throws PayloadCodecException when the payload cannot be encoded or is too large (nothing
   *     is stored)
   * @throws DuplicateTransactionException when the gid exists with other content
   */
  public String prepare() {
    if (checkBack == null) {
      throw new IllegalStateException("a 2-phase message needs a check-back: set checkBack(target)"
          + " or use doAndSubmit(barrier, work)");
    }
    TxRecord record = records.msg(gid, actions, checkBack, msgOptions(), customData);
    CreateResult result = engine.create(record);
    if (!result.created()) {
      result.record().definitionDifference(record).ifPresent(difference -> {
        throw new DuplicateTransactionException(gid, difference);
      });
    }
    return gid;
  }

  /**
   * Releases the message for delivery. Idempotent.
   *
   * <p>Without a check-back set on this builder, and with actions added, the message is submitted
   * directly, never prepared (DTM's {@code Submit} without {@code Prepare}): when this returns it
   * is stored SUBMITTED (as durable as the store), and every action will be delivered at least
   * once whatever crashes follow. Submitting identical content under the same gid again is a
   * no-op.
   *
   * <p>Otherwise it releases the message prepared under this gid: after {@link #prepare()} on this
   * builder, or as {@code tm.msg(gid).submit()} for one prepared elsewhere.
   *
   * @return the gid
   * @throws JdtmException when its check-back already rolled it back
   * @throws InvalidTransactionException when a direct message is invalid (nothing is stored)
   * @throws NoSuchHandlerException when a direct message's handler is not registered
   * @throws PayloadCodecException when a direct message's payload does not encode or is too
   *     large
   * @throws DuplicateTransactionException when the gid exists with other content (a message
   *     prepared under it too: release that one with {@code tm.msg(gid).submit()})
   * @throws StoreUnavailableException when the store failed; submitting again is safe
   */
  public String submit() {
    if (checkBack == null && !actions.isEmpty()) {
      return engine.submit(records.submittedMsg(gid, actions, msgOptions(), customData));
    }
    if (checkBack == null && engine.startStored(gid, Mode.MSG)) {
      return gid; // written by submitIn, committed since, and started now
    }
    TxStatus status = engine.resolvePrepared(gid, Mode.MSG, TxStatus.SUBMITTED, null);
    if (status == TxStatus.ABORTING || status == TxStatus.FAILED) {
      throw new JdtmException("the message was rolled back by its check-back", gid, null, null,
          null);
    }
    return gid;
  }

  /**
   * Writes the message, SUBMITTED and due at once, inside the caller's open transaction on
   * {@code connection} (the transactional outbox): it commits with the caller's own changes, or
   * rolls back with them. Once the caller commits, every action is delivered at least once by any
   * instance's recovery; call {@code tm.msg(gid).submit()} right after the commit to start it at
   * once on this instance. Nothing to check back: no PREPARED state, no barrier. The caller
   * commits, rolls back and closes the connection; this never does.
   *
   * <pre>{@code
   * try (Connection c = dataSource.getConnection()) {
   *   c.setAutoCommit(false);
   *   insertOrder(c, order);
   *   String gid = tm.msg().add("notifyShipping", order).submitIn(c);
   *   c.commit();
   *   tm.msg(gid).submit(); // optional: deliver now rather than at the next recovery poll
   * }
   * }</pre>
   *
   * <p>The store must share the caller's database: a JDBC store ({@link
   * io.jdtm.spi.StoreCapability#CALLER_TRANSACTION}) whose tables the connection reaches. The
   * message is validated (handlers, payloads, size) before the connection is touched.
   *
   * @return the gid
   * @throws UnsupportedOperationException when the store cannot write in the caller's
   *     transaction (the memory store, say); the connection is not touched
   * @throws IllegalStateException when a check-back is set, or the connection is in auto-commit
   *     mode (nothing is written)
   * @throws IllegalArgumentException when the connection does not reach the store's tables (its
   *     transaction is the caller's to roll back)
   * @throws InvalidTransactionException on bad input (the connection is not touched)
   * @throws NoSuchHandlerException when a target names a handler not registered
   * @throws PayloadCodecException when a payload cannot be encoded or is too large
   * @throws DuplicateTransactionException when a message with this gid is already stored
   * @throws StoreUnavailableException when the database failed; roll the transaction back
   */
  public String submitIn(java.sql.Connection connection) {
    java.util.Objects.requireNonNull(connection, "connection");
    engine.createIn(connection, dueAtOnce(localRecord()));
    return gid;
  }

  /** Business code run in the local transaction of {@link #doAndSubmit(DataSource, LocalWork)}. */
  @FunctionalInterface
  public interface LocalWork {
    /** Does the business change on {@code connection}; an exception rolls it back. */
    void run(java.sql.Connection connection) throws Exception;
  }

  /**
   * Runs {@code work} and writes the message in one local transaction on a connection of {@code
   * dataSource}, commits, and starts delivering at once on this instance: one commit makes both
   * durable, and nothing ever needs checking back. If this process dies after the commit, any
   * instance delivers the message once its lease (the manager's lease) ends. The data source
   * must reach the store's database (see {@link #submitIn}).
   *
   * <pre>{@code
   * tm.msg()
   *     .add("notifyShipping", order)
   *     .doAndSubmit(dataSource, c -> insertOrder(c, order));
   * }</pre>
   *
   * <p>If {@code work} or the write throws, the transaction is rolled back, nothing is stored and
   * the exception is rethrown. If the commit itself throws, the outcome is unknown: the message
   * is delivered if and only if the commit took effect (by recovery, after the lease).
   *
   * @return the gid
   * @throws UnsupportedOperationException when the store cannot write in the caller's
   *     transaction; no connection is taken
   * @throws IllegalStateException when a check-back is set
   * @throws InvalidTransactionException on bad input; no connection is taken
   * @throws NoSuchHandlerException when a target names a handler not registered
   * @throws PayloadCodecException when a payload cannot be encoded or is too large
   * @throws DuplicateTransactionException when a message with this gid is already stored (the
   *     transaction is rolled back)
   * @throws Exception what {@code work} threw
   */
  public String doAndSubmit(DataSource dataSource, LocalWork work) throws Exception {
    java.util.Objects.requireNonNull(dataSource, "dataSource");
    java.util.Objects.requireNonNull(work, "work");
    TxRecord record = localRecord();
    engine.requireCallerTransactions();
    java.sql.Connection c = dataSource.getConnection();
    try {
      boolean autoCommit = c.getAutoCommit();
      if (autoCommit) {
        c.setAutoCommit(false);
      }
      boolean ended = false; // committed or rolled back: only then may auto-commit be restored
      try {
        work.run(c);
        engine.createIn(c, record);
        c.commit();
        ended = true;
      } catch (Throwable e) {
        ended = rollbackQuietly(c, e);
        throw e;
      } finally {
        if (autoCommit && ended) {
          // Restored only after a commit or a rollback: on a connection whose transaction is
          // still open (its rollback failed), setAutoCommit(true) would commit it.
          restoreQuietly(c);
        }
      }
    } finally {
      closeQuietly(c);
    }
    engine.startCommitted(record);
    return gid;
  }

  /** The SUBMITTED record of a message written in a local transaction; validates everything. */
  private TxRecord localRecord() {
    if (checkBack != null) {
      throw new IllegalStateException("a message written in the local transaction needs no "
          + "check-back: it commits with that transaction");
    }
    return records.submittedMsg(gid, actions, msgOptions(), customData);
  }

  /** Due at once: nobody drives it from here, so the first recovery poll after the commit does. */
  private static TxRecord dueAtOnce(TxRecord record) {
    return record.toBuilder().nextDueAt(record.createdAt()).build();
  }

  /** Rolls back after {@code failure}; whether that worked (a failure to is added to it). */
  private static boolean rollbackQuietly(java.sql.Connection c, Throwable failure) {
    try {
      c.rollback();
      return true;
    } catch (java.sql.SQLException | RuntimeException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  /**
   * Restores auto-commit, and {@link #closeQuietly} closes: neither may fail the call. After the
   * commit the message is committed and is delivered, so a failure here must not tell the caller
   * the work failed; before it, the work's own exception is on its way out and stays the one the
   * caller sees. A pool discards a connection it cannot reset.
   */
  private static void restoreQuietly(java.sql.Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (java.sql.SQLException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Msg.class).debug(
          "restoring auto-commit failed; the connection goes back as it is: {}", e.toString());
    }
  }

  private static void closeQuietly(java.sql.Connection c) {
    try {
      c.close();
    } catch (java.sql.SQLException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Msg.class).debug("closing the connection failed: {}",
          e.toString());
    }
  }

  private TxOptions msgOptions() {
    return options(engine.config().defaults().preparedTimeout(), -1, false);
  }

  /**
   * Prepares the message, runs {@code work} in a local transaction under {@code barrier}, and
   * submits the message if that transaction committed. The barrier must be registered with the
   * manager ({@link TransactionManager.Builder#barrier}); it is the message's check-back.
   *
   * <p>If {@code work} throws, the barrier is asked at once whether the local transaction
   * committed anyway (a commit can fail after it took effect): if it did, the message is
   * submitted and this returns normally; if not, the message is aborted and the exception
   * rethrown; if the barrier cannot tell, the message stays prepared for recovery to check back.
   *
   * @return the gid
   * @throws BranchFailedException when {@code work} answered FAILURE (the message is aborted)
   */
  public <T> String doAndSubmit(Barrier<T> barrier, Barrier.LocalWork<T> work) throws Exception {
    String name = engine.config().handlers().nameOf(barrier).orElseThrow(() ->
        new IllegalArgumentException("register the barrier with builder().barrier(name, barrier)"
            + " so that any instance can check this message back"));
    checkBack("barrier:" + name);
    prepare();
    BranchContext ctx = BranchContext.of(gid, Mode.MSG, "00", BranchOp.MSG);
    Outcome outcome;
    try {
      outcome = barrier.call(ctx, work);
    } catch (Exception e) {
      if (committedAnyway(barrier, e)) {
        return submit();
      }
      throw e;
    }
    if (!outcome.isSuccess()) {
      engine.resolvePrepared(gid, Mode.MSG, TxStatus.ABORTING, "local transaction: " + outcome);
      throw new BranchFailedException(gid, "00", BranchOp.MSG,
          outcome.kind() == Outcome.Kind.FAILURE ? CallResult.FAILURE : CallResult.ONGOING,
          outcome.reason());
    }
    return submit();
  }

  /**
   * After {@code work} failed: asks the barrier whether the local transaction committed anyway.
   * Aborts the message only when it definitely did not; when the barrier cannot tell, the message
   * stays prepared for recovery to check back.
   */
  private boolean committedAnyway(Barrier<?> barrier, Exception failure) {
    Outcome check;
    try {
      check = barrier.queryPrepared(gid);
    } catch (Exception e) {
      failure.addSuppressed(e);
      return false;
    }
    if (check != null && check.isSuccess()) {
      return true;
    }
    if (check == null || check.kind() != Outcome.Kind.FAILURE) {
      failure.addSuppressed(new JdtmException("the check-back could not tell (" + check
          + "); recovery asks again later", gid, "00", BranchOp.MSG, null));
      return false;
    }
    try {
      engine.resolvePrepared(gid, Mode.MSG, TxStatus.ABORTING,
          "local transaction failed: " + failure);
    } catch (RuntimeException e) {
      failure.addSuppressed(e); // the check-back aborts it later
    }
    return false;
  }
}
