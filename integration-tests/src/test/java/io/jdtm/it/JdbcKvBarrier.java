package io.jdtm.it;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.store.jdbc.JdbcBarrier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link KvBarrier} on the JDBC barrier of a real database: values in a table beside the barrier's,
 * both under a random prefix dropped on close.
 */
final class JdbcKvBarrier implements KvBarrier {
  private final String name;
  private final String url;
  private final Properties credentials = new Properties();
  private final String table;
  private final String prefix;
  private final JdbcBarrier barrier;

  JdbcKvBarrier(String name, String url, String user, String password) throws SQLException {
    this.name = name;
    this.url = url;
    credentials.setProperty("user", user);
    credentials.setProperty("password", password);
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    this.prefix = ("sc_" + HexFormat.of().formatHex(random) + "_").toLowerCase(Locale.ROOT);
    this.table = prefix + "kv";
    execute("CREATE TABLE " + table + " (k VARCHAR(64) NOT NULL PRIMARY KEY, v BIGINT NOT NULL)");
    this.barrier = JdbcBarrier.builder().url(url).credentials(user, password).tablePrefix(prefix)
        .createSchema(true).build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Barrier<?> barrier() {
    return barrier;
  }

  @Override
  public Outcome call(BranchContext ctx, Work work) throws Exception {
    return barrier.call(ctx, local(work));
  }

  private Barrier.LocalWork<Connection> local(Work work) {
    return c -> work.run(new Kv() {
      @Override
      public long get(String key) throws SQLException {
        return read(c, key);
      }

      @Override
      public void add(String key, long delta) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE " + table + " SET v = v + ? WHERE k = ?")) {
          s.setLong(1, delta);
          s.setString(2, key);
          if (s.executeUpdate() == 0) {
            throw new SQLException("no value " + key);
          }
        }
      }
    });
  }

  private long read(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Override
  public long value(String key) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, credentials)) {
      return read(c, key);
    }
  }

  @Override
  public void set(String key, long value) throws SQLException {
    execute("DELETE FROM " + table + " WHERE k = '" + key + "'",
        "INSERT INTO " + table + " VALUES ('" + key + "', " + value + ")");
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> R asLocalWork(Work work) {
    return (R) local(work);
  }

  private void execute(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, credentials);
         Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  @Override
  public void close() {
    barrier.close();
    try {
      execute("DROP TABLE IF EXISTS " + table, "DROP TABLE IF EXISTS " + prefix + "barrier");
    } catch (SQLException e) {
      // the server went away; nothing to drop
    }
  }
}
