package io.jdtm.store.jdbc;

import io.jdtm.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.StatementExceptions.MessageRendering;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work on a JDBI handle, or (the hot path) on a plain connection straight from the data
 * source: in one database transaction, retried a bounded number of times when the database rolled
 * it back for a deadlock, serialization failure or lock timeout; or in auto-commit mode for
 * single-statement work. SQL failures come out as {@link
 * StoreUnavailableException}; other exceptions pass unchanged. Thread-safe.
 */
final class Db {
  private static final Logger log = LoggerFactory.getLogger(Db.class);
  static final int MAX_ATTEMPTS = 6;
  /** Shared so that its parse cache serves every handle. */
  private static final ColonPrefixSqlParser PARSER = new ColonPrefixSqlParser();

  /** Work against a handle. */
  @FunctionalInterface
  interface Work<T> {
    T run(Handle handle) throws SQLException;
  }

  /** Work against a plain JDBC connection. */
  @FunctionalInterface
  interface ConnectionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Jdbi jdbi;
  private final DataSource dataSource;
  private final String description;
  private volatile boolean closed;

  /**
   * @param dataSource where {@code jdbi} takes its connections, when known: the hot path then
   *     takes them straight from it; {@code null} for a Jdbi of the caller's
   * @param description the database, for messages: its kind and redacted URL
   */
  Db(Jdbi jdbi, DataSource dataSource, String description) {
    this.jdbi = jdbi;
    this.dataSource = dataSource;
    this.description = description;
  }

  /**
   * As {@link #autoCommit}, on a plain connection taken straight from the data source when there
   * is one (no Jdbi handle): for the hot path's single statements.
   */
  <T> T autoCommitPlain(String what, String gid, ConnectionWork<T> work) {
    if (dataSource == null) {
      return autoCommit(what, gid, h -> work.run(h.getConnection()));
    }
    return attemptPlain(what, gid,
        c -> c.getAutoCommit() ? work.run(c) : transaction(c, work));
  }

  /** As {@link #inTransaction}, on a plain connection (see {@link #autoCommitPlain}). */
  <T> T inTransactionPlain(String what, String gid, ConnectionWork<T> work) {
    if (dataSource == null) {
      return inTransaction(what, gid, h -> work.run(h.getConnection()));
    }
    return attemptPlain(what, gid, c -> transaction(c, work));
  }

  private <T> T attemptPlain(String what, String gid, ConnectionWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      requireOpen();
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      } catch (SQLException e) {
        if (!SqlErrors.isRetryable(e) || attempt == MAX_ATTEMPTS || closed) {
          throw unavailable(what, gid, e, e);
        }
        log.debug("{} of gid={} rolled back by the database (attempt {}); retrying: {}", what, gid,
            attempt, SqlErrors.describe(e));
        pause(attempt);
      }
    }
  }

  String description() {
    return description;
  }

  /** Runs {@code work} in one transaction, retrying it after a rollback by the database. */
  <T> T inTransaction(String what, String gid, Work<T> work) {
    return attempt(what, gid, h -> transaction(h, work));
  }

  /**
   * Runs {@code work} in auto-commit mode, for work whose every statement stands alone; in one
   * transaction when the data source hands out connections that do not auto-commit.
   */
  <T> T autoCommit(String what, String gid, Work<T> work) {
    return attempt(what, gid,
        h -> h.getConnection().getAutoCommit() ? work.run(h) : transaction(h, work));
  }

  private <T> T attempt(String what, String gid, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      requireOpen();
      try {
        return jdbi.withHandle(h -> work.run(configure(h)));
      } catch (SQLException | JdbiException e) {
        SQLException sql = SqlErrors.find(e).orElse(null);
        if (sql == null || !SqlErrors.isRetryable(sql) || attempt == MAX_ATTEMPTS || closed) {
          throw unavailable(what, gid, e, sql);
        }
        log.debug("{} of gid={} rolled back by the database (attempt {}); retrying: {}", what, gid,
            attempt, SqlErrors.describe(sql));
        pause(attempt);
      }
    }
  }

  private static <T> T transaction(Handle h, Work<T> work) throws SQLException {
    return transaction(h.getConnection(), c -> work.run(h));
  }

  private static <T> T transaction(Connection c, ConnectionWork<T> work) throws SQLException {
    boolean restoreAutoCommit = c.getAutoCommit();
    if (restoreAutoCommit) {
      c.setAutoCommit(false);
    }
    T result;
    try {
      result = work.run(c);
      c.commit();
    } catch (Throwable e) {
      // On a connection the network broke, these fail too; the first failure is the one to tell.
      rollbackQuietly(c);
      if (restoreAutoCommit) {
        autoCommitQuietly(c);
      }
      throw e;
    }
    if (restoreAutoCommit) {
      c.setAutoCommit(true);
    }
    return result;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed; the pool will discard the connection: {}",
          Scrub.PATTERNS.text(e.toString()));
    }
  }

  private static void autoCommitQuietly(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      log.debug("restoring auto-commit failed; the pool will discard the connection: {}",
          Scrub.PATTERNS.text(e.toString()));
    }
  }

  /**
   * Our SQL uses {@code :name} parameters and no templates, and a failing statement's exception
   * shows neither its text nor its bound values (payloads, custom data), whatever the Jdbi's
   * settings; set on the handle, so that a Jdbi of the caller's keeps its own.
   */
  private static Handle configure(Handle h) {
    h.getConfig(SqlStatements.class).setSqlParser(PARSER).setTemplateEngine(TemplateEngine.NOP);
    h.getConfig(StatementExceptions.class).setMessageRendering(MessageRendering.NONE);
    return h;
  }

  /** A short random pause so that two transactions that deadlocked do not meet again. */
  private static void pause(int attempt) {
    long maxMicros = 500L << Math.min(attempt, 5);
    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(
        ThreadLocalRandom.current().nextLong(maxMicros / 2, maxMicros)));
  }

  private StoreUnavailableException unavailable(
      String what, String gid, Exception e, SQLException sql) {
    Throwable scrubbed = Scrub.PATTERNS.chain(e);
    if (closed) {
      return new StoreUnavailableException("the JDBC store is closed", gid, scrubbed);
    }
    String cause = sql != null ? SqlErrors.describe(sql) : Scrub.PATTERNS.text(e.getMessage());
    return new StoreUnavailableException(what + " failed on " + description + ": " + cause, gid,
        scrubbed);
  }

  void requireOpen() {
    if (closed) {
      throw new StoreUnavailableException("the JDBC store is closed", null);
    }
  }

  void close() {
    closed = true;
  }
}
