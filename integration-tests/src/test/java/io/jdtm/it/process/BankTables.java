package io.jdtm.it.process;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The kill -9 test's tables in one PostgreSQL database, all named after one prefix: the bank's
 * accounts, its barrier (one row per (gid, branch, op) that took effect or was blocked) and its
 * moves log (one row per balance change, written in the barrier row's local transaction), next
 * to the store's own tables. Immutable and thread-safe.
 */
record BankTables(String url, String user, String password, String prefix) {
  String accounts() {
    return prefix + "bank_account";
  }

  String barrier() {
    return prefix + "bank_barrier";
  }

  String moves() {
    return prefix + "bank_move";
  }

  Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection(url, props);
  }

  /** Creates the bank's tables with the given opening balances. */
  void create(Map<String, Long> balances) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + accounts()
          + " (account VARCHAR(32) PRIMARY KEY, balance BIGINT NOT NULL)");
      s.execute("CREATE TABLE " + barrier() + " (gid VARCHAR(128) NOT NULL, branch_id VARCHAR(64)"
          + " NOT NULL, op VARCHAR(16) NOT NULL, PRIMARY KEY (gid, branch_id, op))");
      // No key but a sequence: the audit itself checks that (gid, branch, op) moves at most once.
      s.execute("CREATE TABLE " + moves() + " (seq BIGSERIAL PRIMARY KEY, gid VARCHAR(128) NOT"
          + " NULL, branch_id VARCHAR(64) NOT NULL, op VARCHAR(16) NOT NULL, account VARCHAR(32)"
          + " NOT NULL, delta BIGINT NOT NULL)");
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO " + accounts() + " (account, balance) VALUES (?, ?)")) {
        for (Map.Entry<String, Long> e : balances.entrySet()) {
          insert.setString(1, e.getKey());
          insert.setLong(2, e.getValue());
          insert.executeUpdate();
        }
      }
    }
  }

  /** One row of the moves log. */
  record Move(String gid, String branchId, String op, String account, long delta) {}

  List<Move> moves(Connection c) throws SQLException {
    List<Move> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT gid, branch_id, op, account, delta FROM " + moves() + " ORDER BY seq")) {
      while (rs.next()) {
        out.add(new Move(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getLong(5)));
      }
    }
    return out;
  }

  long totalBalance(Connection c) throws SQLException {
    return single(c, "SELECT COALESCE(SUM(balance), 0) FROM " + accounts());
  }

  /** Moves without the barrier row that should have been written with them. */
  long movesWithoutBarrierRow(Connection c) throws SQLException {
    return single(c, "SELECT COUNT(*) FROM " + moves() + " m WHERE NOT EXISTS (SELECT 1 FROM "
        + barrier() + " b WHERE b.gid = m.gid AND b.branch_id = m.branch_id AND b.op = m.op)");
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Drops every table named with the prefix: the bank's and the store's. */
  void dropAll() throws SQLException {
    try (Connection c = connect()) {
      List<String> tables = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT table_name FROM "
          + "information_schema.tables WHERE table_schema = current_schema() "
          + "AND left(table_name, length(?)) = ?")) {
        s.setString(1, prefix);
        s.setString(2, prefix);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
      }
      try (Statement s = c.createStatement()) {
        for (String t : tables) {
          s.execute("DROP TABLE IF EXISTS " + t + " CASCADE");
        }
      }
    }
  }
}
