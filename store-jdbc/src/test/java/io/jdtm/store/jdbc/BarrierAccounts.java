package io.jdtm.store.jdbc;

import io.jdtm.Barrier.LocalWork;
import io.jdtm.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small accounts table beside the barrier's, in the same database, so that barrier tests can
 * observe the business's committed effects. Its own statements run on one auto-commit connection,
 * opened once (connecting to a server is the slow part of a test). Thread-safe.
 */
final class BarrierAccounts implements AutoCloseable {
  /** Opens a connection to the database under test. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  private static final AtomicInteger IDS = new AtomicInteger();
  private final Connector connector;
  private final String table;
  private Connection own;

  BarrierAccounts(Connector connector, String prefix) {
    this.connector = connector;
    this.table = prefix + "account";
  }

  void create() throws SQLException {
    execute("CREATE TABLE IF NOT EXISTS " + table
        + " (id VARCHAR(64) NOT NULL PRIMARY KEY, balance BIGINT NOT NULL)");
  }

  void drop(String... more) throws SQLException {
    execute("DROP TABLE IF EXISTS " + table);
    for (String other : more) {
      execute("DROP TABLE IF EXISTS " + other);
    }
  }

  /** A new account holding {@code balance}; its id. */
  String open(long balance) throws SQLException {
    String id = "acc-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
    try (PreparedStatement s = own().prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
      s.setString(1, id);
      s.setLong(2, balance);
      s.executeUpdate();
    }
    return id;
  }

  /** The committed balance. */
  long balance(String id) throws SQLException {
    return balance(own(), id);
  }

  /** The balance as {@code c}'s transaction sees it. */
  long balance(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT balance FROM " + table + " WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Adds {@code delta} to the balance on {@code c}, in whatever transaction it is in. */
  void add(Connection c, String id, long delta) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE " + table + " SET balance = balance + ? WHERE id = ?")) {
      s.setLong(1, delta);
      s.setString(2, id);
      if (s.executeUpdate() != 1) {
        throw new IllegalStateException("no account " + id);
      }
    }
  }

  /** Business that counts its runs and adds {@code delta}; SUCCESS. */
  LocalWork<Connection> move(String id, long delta, AtomicInteger runs) {
    return c -> {
      runs.incrementAndGet();
      add(c, id, delta);
      return Outcome.success();
    };
  }

  /** Business that counts its runs, adds {@code delta}, then answers {@code outcome}. */
  LocalWork<Connection> moveThen(String id, long delta, AtomicInteger runs, Outcome outcome) {
    return c -> {
      runs.incrementAndGet();
      add(c, id, delta);
      return outcome;
    };
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = own().createStatement()) {
      s.execute(sql);
    }
  }

  private synchronized Connection own() throws SQLException {
    if (own == null) {
      own = connector.connect();
    }
    return own;
  }

  @Override
  public synchronized void close() throws SQLException {
    if (own != null) {
      own.close();
      own = null;
    }
  }
}
