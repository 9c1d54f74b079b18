package io.jdtm.it.process;

import io.jdtm.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One bank of {@link XaKillNineIT} in one database (PostgreSQL or MariaDB), its tables named
 * after one prefix: accounts, and a journal with one row per balance change, written inside the
 * XA branch that changes the balance, so the audit can tell per gid which banks a global
 * transaction changed. The branch's barrier table ({@code <prefix>barrier}) is jdtm's, in the same
 * database. Immutable and thread-safe.
 *
 * @param mariadb whether the database is MariaDB (else PostgreSQL)
 */
record XaBank(String prefix, boolean mariadb) {
  /** How long a statement of a branch may wait for a row lock another branch holds. */
  private static final int LOCK_WAIT_SECONDS = 2;
  /** The longest pause inside a branch, so that kills land inside branches too. */
  private static final long MAX_PAUSE_MICROS = 3_000;

  String accounts() {
    return prefix + "account";
  }

  String journal() {
    return prefix + "journal";
  }

  String barrier() {
    return prefix + "barrier";
  }

  /** Creates the accounts, each with {@code opening}, and the empty journal. */
  void create(Connection c, List<String> names, long opening) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + accounts()
          + " (account VARCHAR(32) PRIMARY KEY, balance BIGINT NOT NULL)");
      // No key on (gid, branch): the audit itself checks that a branch changed a balance once.
      s.execute("CREATE TABLE " + journal() + " (seq " + (mariadb
          ? "BIGINT AUTO_INCREMENT" : "BIGSERIAL") + " PRIMARY KEY, gid VARCHAR(128) NOT NULL,"
          + " branch_id VARCHAR(8) NOT NULL, account VARCHAR(32) NOT NULL, delta BIGINT NOT NULL)");
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO " + accounts() + " (account, balance) VALUES (?, ?)")) {
      for (String name : names) {
        insert.setString(1, name);
        insert.setLong(2, opening);
        insert.executeUpdate();
      }
    }
  }

  /** Inside an XA branch: adds {@code amount} to {@code account}. */
  Outcome credit(Connection c, String gid, String branchId, String account, long amount)
      throws SQLException {
    change(c, "UPDATE " + accounts() + " SET balance = balance + ? WHERE account = ?", amount,
        account);
    pause();
    journal(c, gid, branchId, account, amount);
    return Outcome.success();
  }

  /** Inside an XA branch: takes {@code amount} from {@code account}, or refuses to overdraw it. */
  Outcome debit(Connection c, String gid, String branchId, String account, long amount)
      throws SQLException {
    int changed = change(c, "UPDATE " + accounts()
        + " SET balance = balance - ? WHERE account = ? AND balance >= ?", amount, account,
        amount);
    if (changed == 0) {
      return Outcome.failure("insufficient funds on " + account);
    }
    pause();
    journal(c, gid, branchId, account, -amount);
    return Outcome.success();
  }

  /** Runs an UPDATE with these parameters, giving up after the lock wait. */
  private static int change(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setQueryTimeout(LOCK_WAIT_SECONDS);
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      return s.executeUpdate();
    }
  }

  private void journal(Connection c, String gid, String branchId, String account, long delta)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + journal()
        + " (gid, branch_id, account, delta) VALUES (?, ?, ?, ?)")) {
      s.setQueryTimeout(LOCK_WAIT_SECONDS);
      s.setString(1, gid);
      s.setString(2, branchId);
      s.setString(3, account);
      s.setLong(4, delta);
      s.executeUpdate();
    }
  }

  private static void pause() {
    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(
        ThreadLocalRandom.current().nextLong(MAX_PAUSE_MICROS)));
  }

  /** One journal row: a balance change a committed branch made. */
  record Entry(String gid, String branchId, String account, long delta) {}

  List<Entry> entries(Connection c) throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT gid, branch_id, account, delta FROM " + journal() + " ORDER BY seq")) {
      while (rs.next()) {
        out.add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
      }
    }
    return out;
  }

  long totalBalance(Connection c) throws SQLException {
    return single(c, "SELECT COALESCE(SUM(balance), 0) FROM " + accounts());
  }

  long negativeBalances(Connection c) throws SQLException {
    return single(c, "SELECT COUNT(*) FROM " + accounts() + " WHERE balance < 0");
  }

  /** The reasons of jdtm's XA barrier rows, by {@code gid/branch}. */
  Map<String, String> barrierReasons(Connection c) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT gid, branch_id, reason FROM " + barrier() + " WHERE trans_type = 'xa'")) {
      while (rs.next()) {
        out.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
      }
    }
    return out;
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Drops the bank's tables and its barrier table. */
  void drop(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String table : List.of(accounts(), journal(), barrier())) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}
