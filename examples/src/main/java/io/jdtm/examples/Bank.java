package io.jdtm.examples;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * A toy bank for the examples: balances in an H2 database, changed in a local transaction that
 * also records which (gid, branch, op) took effect, so a repeated call has no second effect, an
 * undo of a move that never happened does nothing, and a move arriving after its undo is refused
 * (the sub-transaction barrier's rules, in miniature). Thread-safe.
 */
final class Bank {
  private static final String DUPLICATE_KEY = "23505";
  /** Slows every bank call down ({@code -Ddemo.slow=1000}), to give time to kill the demo. */
  private static final long SLOW_MILLIS = Long.getLong("demo.slow", 0);

  private final String name;
  private final String url;
  private final long limit;

  Bank(String name, String url, long limit) {
    this.name = name;
    this.url = url;
    this.limit = limit;
    sql("CREATE TABLE IF NOT EXISTS demo_account (bank VARCHAR(16), account VARCHAR(32), "
        + "balance BIGINT NOT NULL, PRIMARY KEY (bank, account))",
        "CREATE TABLE IF NOT EXISTS demo_done (bank VARCHAR(16), op_key VARCHAR(200), "
        + "PRIMARY KEY (bank, op_key))");
  }

  /** Sets the opening balances. */
  void open(Map<String, Long> balances) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM demo_account WHERE bank=?");
           PreparedStatement insert = c.prepareStatement(
               "INSERT INTO demo_account (bank, account, balance) VALUES (?, ?, ?)")) {
        delete.setString(1, name);
        delete.executeUpdate();
        for (Map.Entry<String, Long> e : balances.entrySet()) {
          insert.setString(1, name);
          insert.setString(2, e.getKey());
          insert.setLong(3, e.getValue());
          insert.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves {@code delta} on an account, once per (gid, branch, op); refuses overdrafts. */
  Outcome move(BranchContext ctx, Transfer t, long delta)
      throws SQLException, InterruptedException {
    Thread.sleep(SLOW_MILLIS);
    String key = ctx.gid() + "/" + ctx.branchId() + "/";
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      if (ctx.op().isUndo() && insertOnce(c, key + BranchOp.ACTION.wireName())) {
        insertOnce(c, key + ctx.op().wireName());
        c.commit();
        say(ctx, "nothing to undo");
        return Outcome.success();
      }
      if (!insertOnce(c, key + ctx.op().wireName())) {
        c.rollback();
        say(ctx, "already done, skipping");
        return Outcome.success();
      }
      if (!ctx.op().isUndo() && !allowed(c, t, delta)) {
        c.rollback();
        say(ctx, "REFUSED " + describe(t, delta));
        return Outcome.failure(name + " refuses " + describe(t, delta));
      }
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE demo_account SET balance = balance + ? WHERE bank=? AND account=?")) {
        update.setLong(1, delta);
        update.setString(2, name);
        update.setString(3, t.account());
        update.executeUpdate();
      }
      c.commit();
      say(ctx, describe(t, delta));
      return Outcome.success();
    }
  }

  private boolean allowed(Connection c, Transfer t, long delta) throws SQLException {
    return Math.abs(delta) <= limit && balance(c, t.account()) + delta >= 0;
  }

  /** Inserts an op key unless present (atomically); whether it was inserted. */
  private boolean insertOnce(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO demo_done (bank, op_key) VALUES (?, ?)")) {
      s.setString(1, name);
      s.setString(2, key);
      s.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (DUPLICATE_KEY.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private long balance(Connection c, String account) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT balance FROM demo_account WHERE bank=? AND account=?")) {
      s.setString(1, name);
      s.setString(2, account);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  Map<String, Long> balances() {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
        "SELECT account, balance FROM demo_account WHERE bank=?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  long total() {
    return balances().values().stream().mapToLong(Long::longValue).sum();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  private void sql(String... statements) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(Transfer t, long delta) {
    return (delta < 0 ? "debit " + -delta + " from " : "credit " + delta + " to ") + t.account();
  }

  private void say(BranchContext ctx, String what) {
    System.out.printf("  %-7s %-10s %s/%s: %s%n", name, ctx.op().wireName(),
        ctx.gid().substring(Math.max(0, ctx.gid().length() - 6)), ctx.branchId(), what);
  }

  @Override
  public String toString() {
    return name + " " + balances();
  }
}
