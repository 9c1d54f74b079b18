package io.jdtm.internal.xa;

import io.jdtm.spi.BarrierTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The barrier rows of XA branches, in the barrier table of the branch's own database (the layout
 * the JDBC barrier uses): key {@code ('xa', gid, branch, 'action', <incarnation>)}, the barrier id
 * being the transaction's creation time in base 36, so that a gid used again after its record was
 * purged starts from clean rows. The branch's local XA
 * transaction writes the row with reason {@code action}, so the row exists once that transaction
 * committed; a rollback writes it with reason {@code rollback} after rolling back, so a late local
 * transaction of the branch fails on the key (anti-hanging). Thread-safe (the SQL is fixed; the
 * table name comes from a validated prefix).
 */
final class XaBarrierRows {
  static final String ACTION = "action";
  static final String ROLLBACK = "rollback";

  private final String prefix;
  private final String insert;
  private final String select;

  XaBarrierRows(String prefix) {
    this.prefix = BarrierTables.requirePrefix(prefix);
    String table = prefix + "barrier";
    this.insert = "INSERT INTO " + table + " (trans_type, gid, branch_id, op, barrier_id, reason,"
        + " created_at) VALUES ('xa', ?, ?, 'action', ?, ?, ?)";
    this.select = "SELECT reason FROM " + table + " WHERE trans_type = 'xa' AND gid = ?"
        + " AND branch_id = ? AND op = 'action' AND barrier_id = ?";
  }

  /** The table's name. */
  String table() {
    return prefix + "barrier";
  }

  /**
   * Creates the table if it is missing, on {@code c} in auto-commit mode. A table that is there
   * is only read (even an idempotent {@code CREATE INDEX IF NOT EXISTS} takes a lock on
   * PostgreSQL that waits for every prepared branch holding a row of the table). Retried when
   * another process creating it at the same moment makes a {@code CREATE ... IF NOT EXISTS} fail
   * ({@link BarrierTables#create}).
   *
   * @throws SQLException when the database is not one jdtm has DDL for, or the DDL fails
   */
  void create(Connection c, int timeoutSeconds) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      s.executeQuery("SELECT reason FROM " + table() + " WHERE 1 = 0").close();
      return; // there already
    } catch (SQLException | RuntimeException e) {
      // missing (or unreadable: the DDL below says why)
    }
    String product = c.getMetaData().getDatabaseProductName();
    String dialect = BarrierTables.dialectOfProduct(product).orElseThrow(() -> new SQLException(
        "XA branches need the barrier table " + table() + ", and jdtm has its DDL for H2, "
            + "PostgreSQL and MariaDB/MySQL only, not " + product + ": create it yourself"));
    BarrierTables.create(c, dialect, prefix, timeoutSeconds);
  }

  /**
   * Inserts the branch's row with {@code reason}.
   *
   * @return false when the row exists already (nothing inserted)
   * @throws SQLException for any other failure, a timeout included
   */
  boolean insert(Connection c, XaBranchId id, long incarnation, String reason, long nowMillis,
      int timeoutSeconds) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setQueryTimeout(timeoutSeconds);
      ps.setString(1, id.gid());
      ps.setString(2, id.branchId());
      ps.setString(3, barrierId(incarnation));
      ps.setString(4, reason);
      ps.setLong(5, nowMillis);
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  /** The reason of the branch's row; empty when there is none (committed). */
  Optional<String> reason(Connection c, XaBranchId id, long incarnation, int timeoutSeconds)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(select)) {
      ps.setQueryTimeout(timeoutSeconds);
      ps.setString(1, id.gid());
      ps.setString(2, id.branchId());
      ps.setString(3, barrierId(incarnation));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** The barrier id of a transaction created at {@code incarnation} (epoch milliseconds). */
  static String barrierId(long incarnation) {
    return Long.toString(incarnation, 36);
  }

  /** A unique-key violation: SQLState 23505 (PostgreSQL, H2) or MariaDB/MySQL's error 1062. */
  static boolean isDuplicateKey(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && ("23505".equals(s.getSQLState()) || s.getErrorCode() == 1062)) {
        return true;
      }
    }
    return false;
  }
}
