package io.jdtm.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.TemplateEngine;

/**
 * JDBI handles over a caller's own connection, inside the caller's open transaction: opening one
 * takes the connection as it is, and closing it neither commits, rolls back nor closes the
 * connection. One Jdbi (and its parsed-statement cache) serves every call; the connection of the
 * call in progress is the calling thread's. Our SQL uses {@code :name} parameters and no
 * templates, and a failing statement's exception shows neither its text nor its bound values.
 * Thread-safe.
 */
final class CallerTransactions {
  /** Work against a handle on the caller's connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Handle handle) throws SQLException;
  }

  private final ThreadLocal<Connection> current = new ThreadLocal<>();
  private final Jdbi jdbi;

  CallerTransactions() {
    jdbi = Jdbi.create(new ConnectionFactory() {
      @Override
      public Connection openConnection() {
        return current.get();
      }

      @Override
      public void closeConnection(Connection c) {
        // the caller's: it stays open, in its transaction
      }
    });
    jdbi.getConfig(Handles.class).setForceEndTransactions(false);
    jdbi.getConfig(SqlStatements.class).setSqlParser(new ColonPrefixSqlParser())
        .setTemplateEngine(TemplateEngine.NOP);
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.NONE);
  }

  /** Runs {@code work} on a handle over {@code connection}, leaving its transaction open. */
  <T> T run(Connection connection, Work<T> work) throws SQLException {
    current.set(connection);
    try (Handle h = jdbi.open()) {
      return work.run(h);
    } finally {
      current.remove();
    }
  }
}
