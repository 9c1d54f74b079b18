package io.jdtm.store.jdbc;

import io.jdtm.spi.BarrierTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the barrier's table (on request) or checks that it is there with the columns the
 * barrier uses. The barrier table has no version row: it needs none of the store's tables, and
 * a table of another layout (DTM's own barrier table, say) is told apart by its columns.
 * Thread-safe (stateless).
 */
final class BarrierSchema {
  private BarrierSchema() {}

  /** Applies the barrier DDL on {@code c} (in auto-commit mode), {@link BarrierTables#create}. */
  static void create(Connection c, Dialect dialect, Tables tables) throws SQLException {
    BarrierTables.create(c, dialect.resourceName(), tables.prefix(), 0);
  }

  /**
   * Checks that the table exists with the barrier's columns.
   *
   * @throws IllegalStateException naming the table and how to create it, or the columns it lacks
   * @throws SQLException when the check itself fails
   */
  static void verify(Connection c, BarrierSql sql, BarrierErrors errors, String database)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeQuery(sql.probe).close();
    } catch (SQLException e) {
      if (SqlErrors.isMissingTable(e)) {
        throw new IllegalStateException("table " + sql.table + " does not exist in " + database
            + ": " + errors.remedy(), e);
      }
      String state = e.getSQLState();
      if (state != null && state.startsWith("42")) {
        throw new IllegalStateException("table " + sql.table + " in " + database + " lacks "
            + "columns the barrier uses (" + SqlErrors.describe(e) + "); it may be another "
            + "tool's barrier table: choose another tablePrefix", e);
      }
      throw e;
    }
  }
}
