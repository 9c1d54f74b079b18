package io.jdtm.store.jdbc;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.spi.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * DTM's barrier rules (DESIGN section 7) on a connection inside a transaction that the caller
 * commits or rolls back: writes the rows of one call and says whether its business must run.
 * Immutable and thread-safe.
 */
final class BarrierRows {
  /**
   * The barrier id of a 2-phase message's local transaction (its one barrier call) and so of its
   * check-back, as in DTM.
   */
  static final String MSG_BARRIER_ID = "01";
  /** The branch of a 2-phase message's local transaction. */
  static final String MSG_BRANCH = "00";
  /** The reason of the row a check-back writes when the local transaction has not committed. */
  static final String ROLLBACK = "rollback";

  private final BarrierSql sql;
  private final Clock clock;

  BarrierRows(BarrierSql sql, Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  /**
   * Checks the values a row is made of, before any SQL.
   *
   * @throws InvalidTransactionException naming the bad gid or branch id, or a MSG op outside
   *     branch {@value #MSG_BRANCH} of a MSG transaction
   */
  static void validate(BranchContext ctx) {
    Names.requireGid(ctx.gid());
    if (!Names.isValidBranchId(ctx.branchId())) {
      throw new InvalidTransactionException("invalid branch id " + Names.quote(ctx.branchId())
          + ": a branch id is 1 to 128 characters of A-Z a-z 0-9 _ . : -", ctx.gid(),
          null, ctx.op());
    }
    if (ctx.op() == BranchOp.MSG
        && (ctx.mode() != Mode.MSG || !MSG_BRANCH.equals(ctx.branchId()))) {
      throw new InvalidTransactionException("the op msg guards the local transaction of a "
          + "2-phase message: mode msg, branch " + MSG_BRANCH + " (the check-back looks there), "
          + "not mode " + ctx.mode().wireName(), ctx.gid(), ctx.branchId(), ctx.op());
    }
  }

  /**
   * Writes the rows of {@code ctx}'s call with barrier id {@code barrierId} (taken from {@link
   * BranchContext#nextBarrierId} once per call): a compensation or cancel's call N inserts the
   * origin's row N, so each call of a branch op pairs with the same call of its origin.
   *
   * @return empty when the business must run; otherwise the outcome to answer without running it
   *     (a repeated call, a null compensation, a late action blocked by its compensation, a
   *     message already committed or rolled back by its check-back)
   */
  Optional<Outcome> enter(Connection c, BranchContext ctx, String barrierId)
      throws SQLException {
    BranchOp op = ctx.op();
    String reason = op.wireName();
    BranchOp origin = op.origin();
    boolean originInserted = origin != null && insert(c, ctx, origin, barrierId, reason);
    if (!insert(c, ctx, op, barrierId, reason)) {
      if (op == BranchOp.MSG && isRolledBack(c, ctx.gid())) {
        return Optional.of(Outcome.failure("the check-back already rolled message " + ctx.gid()
            + " back; its local transaction must not run"));
      }
      return Optional.of(Outcome.success());
    }
    return originInserted ? Optional.of(Outcome.success()) : Optional.empty();
  }

  /**
   * The check-back of message {@code gid}: inserts its row with reason {@value #ROLLBACK} unless
   * the local transaction's row is there (waiting for a local transaction in progress to end).
   */
  Outcome checkBack(Connection c, String gid) throws SQLException {
    if (insert(c, Mode.MSG.wireName(), gid, MSG_BRANCH, BranchOp.MSG.wireName(), MSG_BARRIER_ID,
        ROLLBACK)) {
      return Outcome.failure("the local transaction of message " + gid + " had not committed; "
          + "the check-back rolled it back for good");
    }
    if (isRolledBack(c, gid)) {
      return Outcome.failure("an earlier check-back rolled message " + gid + " back");
    }
    return Outcome.success();
  }

  /**
   * Deletes the rows created before {@code before} (epoch ms), {@link BarrierSql#PURGE_BATCH} at
   * a time, each batch committed on its own so that no purge holds many locks for long.
   */
  long purge(Connection c, long before) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    if (!autoCommit) {
      c.setAutoCommit(true);
    }
    try (PreparedStatement s = c.prepareStatement(sql.purgeBatch)) {
      s.setLong(1, before);
      long total = 0;
      int deleted;
      do {
        deleted = s.executeUpdate();
        total += deleted;
      } while (deleted >= BarrierSql.PURGE_BATCH);
      return total;
    } finally {
      if (!autoCommit) {
        c.setAutoCommit(false);
      }
    }
  }

  private boolean insert(Connection c, BranchContext ctx, BranchOp op, String barrierId,
      String reason) throws SQLException {
    return insert(c, ctx.mode().wireName(), ctx.gid(), ctx.branchId(), op.wireName(), barrierId,
        reason);
  }

  /** Inserts a row unless its key exists; whether it inserted. */
  private boolean insert(Connection c, String type, String gid, String branch, String op,
      String barrierId, String reason) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.insert)) {
      bindKey(s, type, gid, branch, op, barrierId);
      s.setString(6, reason);
      s.setLong(7, clock.millis());
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      if (sql.duplicateRaises && SqlErrors.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  private boolean isRolledBack(Connection c, String gid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.reason)) {
      bindKey(s, Mode.MSG.wireName(), gid, MSG_BRANCH, BranchOp.MSG.wireName(), MSG_BARRIER_ID);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          // Only a purge racing this call, or an isolation level above the database's default
          // hiding a row committed meanwhile, gets here: let the caller retry.
          throw new SQLException("the barrier row of message " + gid + " exists but cannot be "
              + "read (purged meanwhile, or hidden by the transaction's isolation level)");
        }
        return ROLLBACK.equals(rs.getString(1));
      }
    }
  }

  private static void bindKey(PreparedStatement s, String type, String gid, String branch,
      String op, String barrierId) throws SQLException {
    s.setString(1, type);
    s.setString(2, gid);
    s.setString(3, branch);
    s.setString(4, op);
    s.setString(5, barrierId);
  }
}
