package io.jdtm.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
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

  /**
   * {@link #open(String, String, String, int, Timeouts)} for a pool named after {@code use}. The
   * pool is given a {@link DriverSource}, never the URL or the credentials (see {@link
   * UrlSecrets}).
   */
  static OwnedPool open(String use, String url, String user, String password, int maxSize,
      Timeouts timeouts) {
    UrlSecrets secrets = UrlSecrets.of(url, user, password);
    String driverUrl = JdbcUrls.forDriver(secrets.url());
    Scrub scrub = new Scrub(secrets.values());
    HikariConfig config = new HikariConfig();
    config.setPoolName(use + "-" + POOLS.incrementAndGet());
    config.setMaximumPoolSize(maxSize);
    config.setMinimumIdle(Math.min(2, maxSize));
    timeouts.applyTo(config, url);
    if (Dialect.ofUrl(url).orElse(null) == Dialect.POSTGRESQL) {
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.contains("rewritebatchedinserts")) {
        // One multi-row INSERT per branch batch instead of one statement per row.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
      }
      if (!lower.contains("logservererrordetail")) {
        // Keeps bound values (payloads) out of the driver's error messages.
        config.addDataSourceProperty("logServerErrorDetail", "false");
      }
    }
    Properties driverProperties = secrets.connectionProperties(config.getDataSourceProperties());
    config.setDataSourceProperties(new Properties());
    Connection keeper = null;
    try {
      DriverSource source = new DriverSource(driverUrl, driverProperties);
      config.setDataSource(source);
      keeper = JdbcUrls.isH2Memory(url) ? source.getConnection() : null;
      return new OwnedPool(new HikariDataSource(config), keeper);
    } catch (SQLException | HikariPool.PoolInitializationException e) {
      closeQuietly(keeper);
      throw Connections.failure(url, e, scrub);
    }
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
