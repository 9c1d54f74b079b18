package io.jdtm.store.jdbc;

import io.jdtm.StoreUnavailableException;
import io.jdtm.Stores;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link JdbcBarrier} from checked settings: the pool (for a URL, write-through on an H2
 * file as the store's), the database's dialect, and the barrier table (created or verified); an
 * H2 file database that is not write-through gets a warning, as the store's does. Thread-safe
 * (stateless).
 */
final class BarrierConnector {
  private static final Logger log = LoggerFactory.getLogger(BarrierConnector.class);

  /** What the builder collected; exactly one of url and dataSource is set. */
  record Settings(String url, String user, String password, DataSource dataSource, Tables tables,
      boolean createSchema, int maxPoolSize, Timeouts timeouts, Clock clock) {}

  private BarrierConnector() {}

  static JdbcBarrier open(Settings s) {
    OwnedPool pool = s.url() == null ? null : OwnedPool.open("jdtm-barrier",
        H2WriteThrough.url(s.url(), s.user(), s.password()), s.user(), s.password(),
        s.maxPoolSize(), s.timeouts());
    try {
      DataSource ds = pool != null ? pool.dataSource() : s.dataSource();
      String where = s.url() != null ? Stores.redact(s.url()) : "the given DataSource";
      Connection c;
      try {
        c = ds.getConnection();
      } catch (SQLException e) {
        throw Connections.failure(where, e);
      }
      try (c) {
        return open(s, c, ds, pool, where);
      } catch (SQLException e) {
        throw new StoreUnavailableException("preparing the jdtm barrier failed at " + where + ": "
            + SqlErrors.describe(e), e);
      }
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      throw e;
    }
  }

  private static JdbcBarrier open(Settings s, Connection c, DataSource ds, OwnedPool pool,
      String where) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    Dialect dialect = Dialect.ofProduct(product).orElseThrow(() ->
        new IllegalArgumentException("unsupported database '" + product + "' at " + where
            + ": the JDBC barrier supports H2, PostgreSQL, MariaDB and MySQL"));
    String database = product + " at " + where;
    BarrierSql sql = new BarrierSql(dialect, s.tables());
    BarrierErrors errors = new BarrierErrors(database, s.tables(), dialect);
    // Each DDL statement and the check on their own: a failed statement must not poison a
    // transaction (PostgreSQL).
    if (!c.getAutoCommit()) {
      c.setAutoCommit(true);
    }
    if (s.createSchema()) {
      BarrierSchema.create(c, dialect, s.tables());
    }
    BarrierSchema.verify(c, sql, errors, database);
    if (dialect == Dialect.H2) {
      warnUnlessWriteThrough(c, where);
    }
    log.info("jdtm barrier on {}, table {}", database, sql.table);
    BarrierRows rows = new BarrierRows(sql, s.clock());
    return new JdbcBarrier(ds, pool, new BarrierTx(rows, errors), rows, errors, database,
        sql.table);
  }

  /** An H2 database kept in files: warns unless its commits are write-through. */
  private static void warnUnlessWriteThrough(Connection c, String where) throws SQLException {
    String url = c.getMetaData().getURL();
    if (url == null || !JdbcUrls.isH2Memory(url)) {
      H2WriteThrough.verifyForBarrier(c, where);
    }
  }
}
