package io.jdtm.store.jdbc;

import io.jdtm.Barrier.LocalWork;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs business code behind the barrier's rows, in a transaction of its own or inside the
 * caller's. The rows stay exactly when the answer is SUCCESS (or the business was skipped); a
 * FAILURE, ONGOING or exception undoes them with the business's changes, so that the next call
 * runs the business again. Immutable and thread-safe.
 */
final class BarrierTx {
  private static final Logger log = LoggerFactory.getLogger(BarrierTx.class);

  private final BarrierRows rows;
  private final BarrierErrors errors;

  BarrierTx(BarrierRows rows, BarrierErrors errors) {
    this.rows = rows;
    this.errors = errors;
  }

  /** How a transaction of the barrier's own ends. */
  private record Decision(Outcome outcome, boolean commit) {}

  /** The body of a transaction of the barrier's own. */
  @FunctionalInterface
  private interface Body {
    Decision run() throws Exception;
  }

  /**
   * In a transaction of its own on {@code c}, committed or rolled back here; {@code barrierId} is
   * the call's, from {@link BranchContext#nextBarrierId}.
   */
  Outcome owned(Connection c, BranchContext ctx, String barrierId, LocalWork<Connection> work)
      throws Exception {
    String call = describe(ctx, barrierId);
    return own(c, call, () -> {
      Optional<Outcome> skip = errors.sql("writing the barrier rows", call,
          () -> rows.enter(c, ctx, barrierId));
      if (skip.isPresent()) {
        return new Decision(skip.get(), true);
      }
      Outcome outcome = run(work, c);
      return new Decision(outcome, outcome.isSuccess());
    });
  }

  /** The check-back of message {@code gid}, in a transaction of its own on {@code c}. */
  Outcome checkBack(Connection c, String gid) throws Exception {
    String call = "[gid=" + gid + " mode=msg check-back]";
    return own(c, call, () -> new Decision(
        errors.sql("checking the message back", call, () -> rows.checkBack(c, gid)), true));
  }

  private Outcome own(Connection c, String call, Body body) throws Exception {
    boolean autoCommit = errors.sql("beginning the local transaction", call, c::getAutoCommit);
    if (autoCommit) {
      errors.exec("beginning the local transaction", call, () -> c.setAutoCommit(false));
    }
    boolean ended = false;
    try {
      Decision decision = body.run();
      if (decision.commit()) {
        errors.exec("committing the local transaction", call, c::commit);
      } else {
        errors.exec("rolling the local transaction back", call, c::rollback);
      }
      ended = true;
      return decision.outcome();
    } finally {
      if (!ended) {
        quietly("rollback", c::rollback);
      }
      if (autoCommit) {
        quietly("restoring auto-commit", () -> c.setAutoCommit(true));
      }
    }
  }

  /**
   * Inside the caller's transaction on {@code c}: a savepoint taken first is released when the
   * rows stay and rolled back to otherwise; the caller commits or rolls back.
   *
   * @throws IllegalStateException when {@code c} is in auto-commit mode
   */
  <T> Outcome nested(Connection c, T tx, BranchContext ctx, String barrierId, LocalWork<T> work)
      throws Exception {
    String call = describe(ctx, barrierId);
    if (errors.sql("checking the caller's transaction", call, c::getAutoCommit)) {
      throw new IllegalStateException("jdtm barrier " + call + ": the connection is in "
          + "auto-commit mode, so the barrier's rows and the business would commit apart; begin "
          + "a transaction first (setAutoCommit(false)), or let the barrier run one: "
          + "call(ctx, work)");
    }
    Savepoint savepoint = errors.sql("setting a savepoint", call, () -> c.setSavepoint());
    Outcome outcome;
    boolean keep;
    try {
      Optional<Outcome> skip = errors.sql("writing the barrier rows", call,
          () -> rows.enter(c, ctx, barrierId));
      outcome = skip.isPresent() ? skip.get() : run(work, tx);
      keep = skip.isPresent() || outcome.isSuccess();
    } catch (Exception | Error e) {
      try {
        c.rollback(savepoint);
      } catch (SQLException undo) {
        e.addSuppressed(errors.wrap("rolling back to the savepoint", call, undo));
      }
      throw e;
    }
    if (keep) {
      errors.exec("releasing the savepoint", call, () -> c.releaseSavepoint(savepoint));
    } else {
      errors.exec("rolling back to the savepoint", call, () -> c.rollback(savepoint));
    }
    return outcome;
  }

  private static <T> Outcome run(LocalWork<T> work, T tx) throws Exception {
    Outcome outcome = work.run(tx);
    return outcome != null ? outcome
        : Outcome.failure("the barrier's local work returned no outcome (null)");
  }

  static String describe(BranchContext ctx, String barrierId) {
    return "[gid=" + ctx.gid() + " mode=" + ctx.mode().wireName() + " branch=" + ctx.branchId()
        + " op=" + ctx.op().wireName() + " barrier=" + barrierId + "]";
  }

  private static void quietly(String what, BarrierErrors.Action action) {
    try {
      action.run();
    } catch (SQLException e) {
      log.debug("barrier {} failed; the connection is discarded with it: {}", what, e.toString());
    }
  }
}
