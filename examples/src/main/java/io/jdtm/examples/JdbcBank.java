package io.jdtm.examples;

import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.store.jdbc.JdbcBarrier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bank whose accounts (balance and frozen amount) live in the same database as its barrier, so
 * every TCC op runs exactly once in effect, in one local transaction with its barrier row.
 * Thread-safe.
 */
final class JdbcBank {
  private final String name;
  private final JdbcBarrier barrier;
  private final String url;

  JdbcBank(String name, String url, JdbcBarrier barrier) {
    this.name = name;
    this.url = url;
    this.barrier = barrier;
    sql("CREATE TABLE IF NOT EXISTS tcc_account (bank VARCHAR(16), account VARCHAR(32), "
        + "balance BIGINT NOT NULL, frozen BIGINT NOT NULL, PRIMARY KEY (bank, account))");
  }

  void open(Map<String, Long> balances) {
    sql("DELETE FROM tcc_account WHERE bank = '" + name + "'");
    balances.forEach((account, balance) -> sql("INSERT INTO tcc_account VALUES ('" + name
        + "', '" + account + "', " + balance + ", 0)"));
  }

  /** Try: move {@code amount} from the balance to frozen; refuse if it is not there. */
  Outcome freeze(BranchContext ctx, Transfer t) throws Exception {
    return barrier.call(ctx, c -> {
      if (change(c, t.account(), -t.amount(), t.amount(), t.amount()) == 0) {
        say(ctx, "REFUSED to freeze " + t.amount() + " of " + t.account());
        return Outcome.failure(name + ": " + t.account() + " has less than " + t.amount());
      }
      say(ctx, "froze " + t.amount() + " of " + t.account());
      return Outcome.success();
    });
  }

  /** Confirm: the frozen amount leaves the bank. */
  Outcome spendFrozen(BranchContext ctx, Transfer t) throws Exception {
    return barrier.call(ctx, c -> {
      change(c, t.account(), 0, -t.amount(), 0);
      say(ctx, "paid out " + t.amount() + " frozen on " + t.account());
      return Outcome.success();
    });
  }

  /** Cancel: the frozen amount goes back to the balance. */
  Outcome unfreeze(BranchContext ctx, Transfer t) throws Exception {
    return barrier.call(ctx, c -> {
      change(c, t.account(), t.amount(), -t.amount(), 0);
      say(ctx, "unfroze " + t.amount() + " on " + t.account());
      return Outcome.success();
    });
  }

  /** Try of an incoming transfer: check the account can take it (no money moves yet). */
  Outcome acceptable(BranchContext ctx, Transfer t, long limit) throws Exception {
    return barrier.call(ctx, c -> {
      if (t.amount() > limit) {
        say(ctx, "REFUSED incoming " + t.amount() + " for " + t.account());
        return Outcome.failure(name + " takes at most " + limit + " at once");
      }
      say(ctx, "will accept " + t.amount() + " for " + t.account());
      return Outcome.success();
    });
  }

  /** Confirm of an incoming transfer: the money arrives. */
  Outcome receive(BranchContext ctx, Transfer t) throws Exception {
    return barrier.call(ctx, c -> {
      change(c, t.account(), t.amount(), 0, 0);
      say(ctx, "received " + t.amount() + " on " + t.account());
      return Outcome.success();
    });
  }

  /** Cancel of an incoming transfer: nothing had moved. */
  Outcome forget(BranchContext ctx, Transfer t) throws Exception {
    return barrier.call(ctx, c -> {
      say(ctx, "dropped incoming " + t.amount() + " for " + t.account());
      return Outcome.success();
    });
  }

  /** Changes an account if its balance stays at or above {@code minBalance}; rows changed. */
  private int change(Connection c, String account, long balance, long frozen, long minBalance)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE tcc_account SET balance = balance + ?,"
        + " frozen = frozen + ? WHERE bank = ? AND account = ? AND balance >= ?")) {
      s.setLong(1, balance);
      s.setLong(2, frozen);
      s.setString(3, name);
      s.setString(4, account);
      s.setLong(5, minBalance);
      return s.executeUpdate();
    }
  }

  /** Balance and frozen amount per account. */
  Map<String, String> accounts() {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = java.sql.DriverManager.getConnection(url);
         PreparedStatement s = c.prepareStatement(
             "SELECT account, balance, frozen FROM tcc_account WHERE bank = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2) + (rs.getLong(3) == 0 ? ""
              : " (+" + rs.getLong(3) + " frozen)"));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  long total() {
    try (Connection c = java.sql.DriverManager.getConnection(url);
         PreparedStatement s = c.prepareStatement(
             "SELECT COALESCE(SUM(balance + frozen), 0) FROM tcc_account WHERE bank = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void sql(String statement) {
    try (Connection c = java.sql.DriverManager.getConnection(url);
         Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void say(BranchContext ctx, String what) {
    System.out.printf("  %-7s %-8s %s/%s: %s%n", name, ctx.op().wireName(),
        ctx.gid().substring(Math.max(0, ctx.gid().length() - 6)), ctx.branchId(), what);
  }

  @Override
  public String toString() {
    return name + " " + accounts();
  }
}
