package io.jdtm.store.jdbc;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies the SQL errors of H2, PostgreSQL and MariaDB/MySQL by SQLState and vendor code.
 * Thread-safe (stateless).
 */
final class SqlErrors {
  /** Serialization failure (all), deadlock (PostgreSQL). */
  private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");
  /** MariaDB lock wait timeout and deadlock; H2 lock timeout, deadlock and concurrent update. */
  private static final Set<Integer> RETRYABLE_CODES = Set.of(1205, 1213, 50200, 40001, 90131);
  /** Undefined table (PostgreSQL), base table not found (H2, MariaDB; H2 in an empty database). */
  private static final Set<String> MISSING_TABLE_STATES = Set.of("42P01", "42S02", "42S04");

  private SqlErrors() {}

  /** The first {@link SQLException} in {@code t}'s cause chain, if any. */
  static Optional<SQLException> find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException sql) {
        return Optional.of(sql);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return Optional.empty();
  }

  /** A deadlock, serialization failure or lock timeout: the transaction was rolled back. */
  static boolean isRetryable(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if (hasState(s, RETRYABLE_STATES) || RETRYABLE_CODES.contains(s.getErrorCode())) {
        return true;
      }
    }
    return false;
  }

  /** A unique or primary key violation. */
  static boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
  }

  static boolean isMissingTable(SQLException e) {
    return hasState(e, MISSING_TABLE_STATES) || e.getErrorCode() == 1146;
  }

  /** Null-safe: pool timeouts and some driver errors carry no SQLState. */
  private static boolean hasState(SQLException e, Set<String> states) {
    String state = e.getSQLState();
    return state != null && states.contains(state);
  }

  /** Wrong user name or password, or an unknown role. */
  static boolean isAuthentication(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("28") || e.getErrorCode() == 1045;
  }

  /**
   * The message and SQLState of {@code e}, for an exception message: scrubbed of secrets in URL
   * form and of bound values and binary literals (see {@link Scrub}).
   */
  static String describe(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName()
        : Scrub.PATTERNS.text(e.getMessage().strip());
    return message + " (SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + ")";
  }
}
