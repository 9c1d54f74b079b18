package io.jdtm.it.process;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The worker's side of the bank: each move changes one balance in a local PostgreSQL transaction
 * that also inserts its barrier row and its moves-log row, so that a repeated call has no second
 * effect, a compensation whose action never took effect is a no-op that also blocks that action
 * from taking effect later, and a refused debit rolls back and answers FAILURE (the
 * sub-transaction barrier's rules). Thread-safe.
 */
final class Bank implements AutoCloseable {
  private final BankTables tables;
  private final HikariDataSource pool;

  Bank(BankTables tables) {
    this.tables = tables;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(tables.url());
    config.setUsername(tables.user());
    config.setPassword(tables.password());
    config.setMaximumPoolSize(6);
    config.setConnectionTimeout(2_000);
    config.setPoolName("bank");
    this.pool = new HikariDataSource(config);
  }

  /**
   * Moves {@code delta} on {@code account} once per (gid, branch, op); with {@code refusable}, a
   * move that would overdraw the account is refused.
   */
  Outcome move(BranchContext ctx, String account, long delta, boolean refusable)
      throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        Outcome outcome = moveIn(c, ctx, account, delta, refusable);
        c.commit();
        return outcome;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private Outcome moveIn(Connection c, BranchContext ctx, String account, long delta,
      boolean refusable) throws SQLException {
    if (ctx.op().isUndo() && insertBarrier(c, ctx, BranchOp.ACTION)) {
      // The action never took effect: nothing to undo, and its row now blocks a late action.
      insertBarrier(c, ctx, ctx.op());
      return Outcome.success();
    }
    if (!insertBarrier(c, ctx, ctx.op())) {
      return Outcome.success(); // done before, or blocked by its compensation
    }
    if (!changeBalance(c, account, delta, refusable)) {
      c.rollback(); // no barrier row: a refused move never took effect
      return Outcome.failure("overdraft: " + account + " cannot pay " + -delta);
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + tables.moves()
        + " (gid, branch_id, op, account, delta) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, ctx.gid());
      s.setString(2, ctx.branchId());
      s.setString(3, ctx.op().wireName());
      s.setString(4, account);
      s.setLong(5, delta);
      s.executeUpdate();
    }
    return Outcome.success();
  }

  /** Inserts the barrier row of {@code op}; whether it was new (waits for a concurrent one). */
  private boolean insertBarrier(Connection c, BranchContext ctx, BranchOp op)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + tables.barrier()
        + " (gid, branch_id, op) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, ctx.gid());
      s.setString(2, ctx.branchId());
      s.setString(3, op.wireName());
      return s.executeUpdate() == 1;
    }
  }

  private boolean changeBalance(Connection c, String account, long delta, boolean refusable)
      throws SQLException {
    String guard = refusable ? " AND balance + ? >= 0" : "";
    try (PreparedStatement s = c.prepareStatement("UPDATE " + tables.accounts()
        + " SET balance = balance + ? WHERE account = ?" + guard)) {
      s.setLong(1, delta);
      s.setString(2, account);
      if (refusable) {
        s.setLong(3, delta);
      }
      return s.executeUpdate() == 1;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
