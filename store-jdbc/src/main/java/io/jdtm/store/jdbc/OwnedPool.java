package io.jdtm.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The HikariCP pool the store (or barrier) opens for a URL it was given, closed with it. For a
 * named H2 in-memory database it also holds one connection outside the pool for its lifetime,
 * because H2 drops such a database when its last connection closes, which a pool may do at any
 * time. Thread-safe.
 */
final class OwnedPool implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final HikariDataSource pool;
  private final Connection keeper;

  private OwnedPool(HikariDataSource pool, Connection keeper) {
    this.pool = pool;
    this.keeper = keeper;
  }

  /**
   * Opens a pool with the given network timeouts and checks that it connects.
   *
   * @throws io.jdtm.StoreUnavailableException when the database cannot be reached or refuses
   *     the credentials
   */
  static OwnedPool open(String url, String user, String password, int maxSize,
      Timeouts timeouts) {
    return open("jdtm-store", url, user, password, maxSize, timeouts);
  }

  /** {@link #open(String, String, String, int, Timeouts)} for a pool named after {@code use}. */
  static OwnedPool open(String use, String url, String user, String password, int maxSize,
      Timeouts timeouts) {
    String driverUrl = JdbcUrls.forDriver(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(driverUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName(use + "-" + POOLS.incrementAndGet());
    config.setMaximumPoolSize(maxSize);
    config.setMinimumIdle(Math.min(2, maxSize));
    timeouts.applyTo(config, url);
    if (Dialect.ofUrl(url).orElse(null) == Dialect.POSTGRESQL
        && !url.toLowerCase(Locale.ROOT).contains("rewritebatchedinserts")) {
      // One multi-row INSERT per branch batch instead of one statement per row.
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    Connection keeper = null;
    try {
      keeper = JdbcUrls.isH2Memory(url) ? connect(driverUrl, user, password) : null;
      return new OwnedPool(new HikariDataSource(config), keeper);
    } catch (SQLException | HikariPool.PoolInitializationException e) {
      closeQuietly(keeper);
      throw Connections.failure(url, e);
    }
  }

  private static Connection connect(String url, String user, String password)
      throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(url, props);
  }

  DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
    closeQuietly(keeper);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // the database is going away with it
    }
  }
}
