package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Takes secrets and payload bytes out of driver and pool text before it reaches an exception or a
 * log: URL user info and password-like parameters (as {@link Stores#redact}), the known secret
 * values, PostgreSQL's batch statement text with its bound values, and binary literals ({@code
 * \x7b22...}, {@code X'7b22...'}), which is how drivers show payloads. A throwable whose chain
 * (causes, suppressed and next exceptions) holds such text is replaced by a copy with scrubbed
 * messages that keeps each class name, SQLState, error code and stack trace. Immutable and
 * thread-safe.
 */
final class Scrub {
  /** Nothing known beyond what the patterns find. */
  static final Scrub PATTERNS = new Scrub(Set.of());
  private static final Pattern BATCH_STATEMENT =
      Pattern.compile("(?s)(Batch entry \\d+) .* (was aborted)");
  private static final Pattern BINARY =
      Pattern.compile("(?i)\\\\x[0-9a-f]+|\\bx'[0-9a-f]*'|\\b0x[0-9a-f]{8,}");
  private static final String MASK = "***";

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
    out = BATCH_STATEMENT.matcher(out).replaceAll("$1 $2");
    return BINARY.matcher(out).replaceAll("<bytes>");
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
    if (message != null && !text(message).equals(message)) {
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
        ? new ScrubbedSqlException(sql, text(sql.getMessage()))
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

  /** A scrubbed copy of an SQL exception: same SQLState, code, class name and stack trace. */
  static final class ScrubbedSqlException extends SQLException {
    private static final long serialVersionUID = 1L;
    private final String originalClass;

    ScrubbedSqlException(SQLException original, String message) {
      super(message, original.getSQLState(), original.getErrorCode());
      this.originalClass = original.getClass().getName();
    }

    @Override
    public String toString() {
      return Scrub.toString(originalClass, getLocalizedMessage());
    }
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
