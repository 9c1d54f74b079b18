package io.jdtm.store.jdbc;

import java.sql.SQLException;

/**
 * Gives the barrier's own SQL failures a message naming the step, the call (gid, branch, op) and
 * the database (its URL redacted), keeping the SQLState and vendor code for the caller to classify.
 * Failures of the business code pass unchanged. Immutable and thread-safe.
 */
final class BarrierErrors {
  /** A JDBC step. */
  @FunctionalInterface
  interface Step<T> {
    T run() throws SQLException;
  }

  /** A JDBC step without a result. */
  @FunctionalInterface
  interface Action {
    void run() throws SQLException;
  }

  private final String database;
  private final String table;
  private final String command;

  BarrierErrors(String database, Tables tables, Dialect dialect) {
    this.database = database;
    this.table = tables.barrier();
    this.command = JdbcSchema.command(true, dialect, tables);
  }

  /** Runs {@code step}, its SQLException wrapped: {@code what} failed for {@code call}. */
  <T> T sql(String what, String call, Step<T> step) throws SQLException {
    try {
      return step.run();
    } catch (SQLException e) {
      throw wrap(what, call, e);
    }
  }

  /** Runs {@code action}, its SQLException wrapped: {@code what} failed for {@code call}. */
  void exec(String what, String call, Action action) throws SQLException {
    try {
      action.run();
    } catch (SQLException e) {
      throw wrap(what, call, e);
    }
  }

  SQLException wrap(String what, String call, SQLException e) {
    String hint = SqlErrors.isMissingTable(e) ? "; is table " + table + " missing? " + remedy()
        : "";
    return new SQLException("jdtm barrier " + call + ": " + what + " failed on " + database + ": "
        + SqlErrors.describe(e) + hint, e.getSQLState(), e.getErrorCode(), e);
  }

  /** How to create the barrier table. */
  String remedy() {
    return "create it with JdbcBarrier.builder().createSchema(true), or have a DBA apply the DDL "
        + "that '" + command + "' prints";
  }
}
