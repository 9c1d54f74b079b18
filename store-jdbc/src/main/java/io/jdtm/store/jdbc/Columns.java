package io.jdtm.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Column encodings: instants as epoch milliseconds (so no time zone of the JVM, session or server
 * ever applies), and a branch's dependency list as one text. Thread-safe (stateless).
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

  /** Branch ids joined by {@code ,} ({@code \} escapes both), or {@code null} for none. */
  static String dependsOn(List<String> ids) {
    if (ids.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append(id.replace("\\", "\\\\").replace(",", "\\,"));
    }
    return sb.toString();
  }

  /** The inverse of {@link #dependsOn(List)}. */
  static List<String> dependsOn(String text) {
    if (text == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        id.append(text.charAt(++i));
      } else if (c == ',') {
        ids.add(id.toString());
        id.setLength(0);
      } else {
        id.append(c);
      }
    }
    ids.add(id.toString());
    return ids;
  }
}
