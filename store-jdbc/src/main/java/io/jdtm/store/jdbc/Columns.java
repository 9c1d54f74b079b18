package io.jdtm.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Column encodings: instants as epoch milliseconds (so no time zone of the JVM, session or server
 * ever applies). Thread-safe (stateless).
 */
final class Columns {
  private Columns() {}

  /** Epoch milliseconds, or {@code null}. Sub-millisecond parts are dropped. */
  static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  /** The instant in a BIGINT epoch-millisecond column, or {@code null}. */
  static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
