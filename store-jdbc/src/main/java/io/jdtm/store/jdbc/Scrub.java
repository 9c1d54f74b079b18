package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import java.sql.BatchUpdateException;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Takes secrets and payload bytes out of driver and pool text before it reaches an exception or a
 * log: URL user info and password-like parameters (as {@link Stores#redact}), the known secret
 * values, PostgreSQL's batch statement text with its bound values, JDBI's statement context
 * ({@code [statement:"...", arguments:{...}]}), the values in PostgreSQL's details ({@code
 * Failing row contains (...)}, {@code Key (...)=(...)}), and binary literals ({@code
 * \x7b22...}, {@code X'7b22...'}), which is how drivers show payloads. Those patterns know English
 * text only, and a PostgreSQL server's details follow its {@code lc_messages}: so an exception of
 * the PostgreSQL driver that carries the server's error fields gets a message of the server's
 * primary message and the SQLState only, without detail, hint, where or position (found by class
 * name, the driver being optional), and the patterns then apply to that. A throwable whose chain
 * (causes, suppressed and next exceptions) holds such text is replaced by a copy with scrubbed
 * messages that keeps each stack trace and class name, except that an SQL exception's copy is of
 * its nearest standard {@code java.sql} type (so that {@code instanceof SQLTransientException} and
 * the like still hold), with the same SQLState and error code. Immutable and thread-safe.
 */
final class Scrub {
  /** Nothing known beyond what the patterns find. */
  static final Scrub PATTERNS = new Scrub(Set.of());
  private static final Pattern BATCH_STATEMENT =
      Pattern.compile("(?s)(Batch entry \\d+) .* (was aborted)");
  /** JDBI's statement context, appended last to its exception messages. */
  private static final Pattern JDBI_CONTEXT =
      Pattern.compile("(?s)\\s*\\[(?:statement|arguments):.*\\]");
  /** PostgreSQL's details; values may hold parentheses, so up to the last one. */
  private static final Pattern FAILING_ROW =
      Pattern.compile("(?s)(Failing row contains )\\(.*\\)");
  private static final Pattern KEY_VALUES = Pattern.compile("(?s)(Key \\(.*?\\)=)\\(.*\\)");
  private static final Pattern BINARY =
      Pattern.compile("(?i)\\\\x[0-9a-f]+|\\bx'[0-9a-f]*'|\\b0x[0-9a-f]{8,}");
  private static final String MASK = "***";
  private static final String PG_EXCEPTION = "org.postgresql.util.PSQLException";
  /** In place of a PostgreSQL server error's primary message that could not be read. */
  private static final String UNREAD = "PostgreSQL server error";

  private final Set<String> secrets;

  Scrub(Set<String> secrets) {
    this.secrets = Set.copyOf(secrets);
  }

  String text(String s) {
    if (s == null) {
      return null;
    }
    String out = Stores.redact(s);
    for (String secret : secrets) {
      out = out.replace(secret, MASK);
    }
    out = JDBI_CONTEXT.matcher(out).replaceAll("");
    out = BATCH_STATEMENT.matcher(out).replaceAll("$1 $2");
    out = FAILING_ROW.matcher(out).replaceAll("$1(" + MASK + ")");
    out = KEY_VALUES.matcher(out).replaceAll("$1(" + MASK + ")");
    return BINARY.matcher(out).replaceAll("<bytes>");
  }

  /**
   * The scrubbed message of {@code t}: for a PostgreSQL server error, its primary message and
   * SQLState only; else {@link #text} of its message.
   */
  String message(Throwable t) {
    String primary = serverPrimary(t);
    return primary == null ? text(t.getMessage())
        : text(primary) + " (SQLState " + ((SQLException) t).getSQLState() + ")";
  }

  /**
   * The server's primary message when {@code t} is the PostgreSQL driver's exception for an error
   * the server reported (its detail, hint and where may hold row values, in the server's language);
   * else null. Reflective, since the driver is optional.
   */
  static String serverPrimary(Throwable t) {
    if (!(t instanceof SQLException) || !isPgException(t.getClass())) {
      return null;
    }
    try {
      Object server = t.getClass().getMethod("getServerErrorMessage").invoke(t);
      if (server == null) {
        return null;
      }
      Object primary = server.getClass().getMethod("getMessage").invoke(server);
      return primary == null ? UNREAD : primary.toString();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return UNREAD;
    }
  }

  private static boolean isPgException(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(PG_EXCEPTION)) {
        return true;
      }
    }
    return false;
  }

  /** {@code t} itself when nothing in its chain needs scrubbing, else a scrubbed copy. */
  Throwable chain(Throwable t) {
    return clean(t, new IdentityHashMap<>()) ? t : copy(t, new IdentityHashMap<>());
  }

  private boolean clean(Throwable t, Map<Throwable, Boolean> seen) {
    if (t == null || seen.put(t, Boolean.TRUE) != null) {
      return true;
    }
    String message = t.getMessage();
    if (message != null && !message(t).equals(message)) {
      return false;
    }
    for (Throwable s : t.getSuppressed()) {
      if (!clean(s, seen)) {
        return false;
      }
    }
    return clean(t.getCause(), seen)
        && (!(t instanceof SQLException sql) || clean(sql.getNextException(), seen));
  }

  private Throwable copy(Throwable t, Map<Throwable, Throwable> copies) {
    if (t == null) {
      return null;
    }
    Throwable done = copies.get(t);
    if (done != null) {
      return done;
    }
    Throwable c = t instanceof SQLException sql
        ? sqlCopy(sql, message(sql))
        : new ScrubbedException(t, text(t.getMessage()));
    copies.put(t, c);
    c.setStackTrace(t.getStackTrace());
    if (t.getCause() != null && t.getCause() != t) {
      c.initCause(copy(t.getCause(), copies));
    }
    for (Throwable s : t.getSuppressed()) {
      c.addSuppressed(copy(s, copies));
    }
    if (t instanceof SQLException sql && sql.getNextException() != null) {
      ((SQLException) c).setNextException((SQLException) copy(sql.getNextException(), copies));
    }
    return c;
  }

  /**
   * An SQL exception with {@code message}, of the nearest standard {@code java.sql} type of {@code
   * original} (a driver's subclass of {@link java.sql.SQLTransientConnectionException} gives one of
   * that), with its SQLState, error code and batch update counts; no cause yet.
   */
  static SQLException sqlCopy(SQLException original, String message) {
    String state = original.getSQLState();
    int code = original.getErrorCode();
    if (original instanceof BatchUpdateException b) {
      return new BatchUpdateException(message, state, code, b.getUpdateCounts());
    }
    if (original instanceof SQLClientInfoException c) {
      return new SQLClientInfoException(message, state, code, c.getFailedProperties());
    }
    for (Class<?> type = original.getClass(); type != SQLException.class;
        type = type.getSuperclass()) {
      if (type.getPackageName().equals("java.sql")) {
        try {
          return (SQLException) type.getConstructor(String.class, String.class, int.class)
              .newInstance(message, state, code);
        } catch (ReflectiveOperationException e) {
          // DataTruncation has no such constructor: its supertype then
        }
      }
    }
    return new SQLException(message, state, code);
  }

  /** A scrubbed copy of another throwable: same class name and stack trace. */
  static final class ScrubbedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String originalClass;

    ScrubbedException(Throwable original, String message) {
      super(message);
      this.originalClass = original.getClass().getName();
    }

    @Override
    public String toString() {
      return Scrub.toString(originalClass, getLocalizedMessage());
    }
  }

  private static String toString(String className, String message) {
    return message == null ? className : className + ": " + message;
  }
}
