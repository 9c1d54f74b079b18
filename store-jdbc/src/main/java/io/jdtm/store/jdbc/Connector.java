package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import io.jdtm.spi.StoreCapability;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link JdbcStore} from checked settings: the pool (for a URL), the database's dialect
 * and version, the schema (created or verified) and the capabilities. Thread-safe (stateless).
 */
final class Connector {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);

  /** What the builder collected; exactly one of url, dataSource and jdbi is set. */
  record Settings(String url, String user, String password, DataSource dataSource, Jdbi jdbi,
      Tables tables, boolean createSchema, int maxPoolSize, Timeouts timeouts) {}

  /** What the database says about itself. */
  private record Probe(String product, int major, int minor, String url, String driver) {}

  private Connector() {}

  static JdbcStore open(Settings s) {
    OwnedPool pool = s.url() == null ? null
        : OwnedPool.open(H2WriteThrough.url(s.url(), s.user(), s.password()), s.user(),
            s.password(), s.maxPoolSize(), s.timeouts());
    try {
      DataSource ds = pool != null ? pool.dataSource() : s.dataSource();
      Jdbi jdbi = s.jdbi() != null ? s.jdbi() : Jdbi.create(ds);
      String where = s.url() != null ? Stores.redact(s.url())
          : s.jdbi() != null ? "the given Jdbi" : "the given DataSource";
      Probe probe = probe(jdbi, where);
      Dialect dialect = Dialect.ofProduct(probe.product()).orElseThrow(() ->
          new IllegalArgumentException("unsupported database '" + probe.product() + "' at "
              + where + ": the JDBC store supports H2, PostgreSQL, MariaDB and MySQL"));
      Db db = new Db(jdbi, s.jdbi() != null ? null : ds, probe.product() + " at " + where);
      if (s.createSchema()) {
        Schema.create(db, dialect, s.tables());
      }
      Schema.verify(db, dialect, s.tables());
      Sql sql = new Sql(dialect, s.tables(), skipLocked(probe), probe.driver());
      // H2's metadata URL drops settings such as AUTO_SERVER: judge by the given URL if any.
      Set<StoreCapability> caps = capabilities(dialect,
          s.url() != null ? s.url() : probe.url(), () -> H2WriteThrough.verify(jdbi, where));
      log.info("jdtm JDBC store on {} {}.{} ({}), tables {}*, capabilities {}", probe.product(),
          probe.major(), probe.minor(), where, s.tables().prefix(), caps);
      return new JdbcStore(db, dialect, sql, s.tables(), caps, pool);
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      throw e;
    }
  }

  private static Probe probe(Jdbi jdbi, String where) {
    try {
      return jdbi.withHandle(h -> {
        DatabaseMetaData md = h.getConnection().getMetaData();
        String url = md.getURL();
        return new Probe(md.getDatabaseProductName(), md.getDatabaseMajorVersion(),
            md.getDatabaseMinorVersion(), url == null ? "" : url, md.getDriverName());
      });
    } catch (SQLException | JdbiException e) {
      throw Connections.failure(where, e);
    }
  }

  /** SKIP LOCKED: H2 2.2+, MariaDB 10.6+, MySQL 8.0+ (PostgreSQL's claim always uses it). */
  private static boolean skipLocked(Probe p) {
    String product = p.product().toLowerCase(java.util.Locale.ROOT);
    if (product.contains("mariadb")) {
      return p.major() > 10 || p.major() == 10 && p.minor() >= 6;
    }
    if (product.contains("mysql")) {
      return p.major() >= 8;
    }
    return true;
  }

  /**
   * What the store offers. An H2 database is DURABLE only when it is kept in files and {@code
   * h2WriteThrough} confirms that its commits reach the file before they return.
   */
  static Set<StoreCapability> capabilities(Dialect dialect, String url,
      BooleanSupplier h2WriteThrough) {
    Set<StoreCapability> caps = EnumSet.of(StoreCapability.BATCHED_APPLY,
        StoreCapability.CALLER_TRANSACTION);
    boolean h2 = dialect == Dialect.H2;
    if (!h2 || !JdbcUrls.isH2Memory(url) && h2WriteThrough.getAsBoolean()) {
      caps.add(StoreCapability.DURABLE);
    }
    if (!h2 || JdbcUrls.isH2Shared(url)) {
      caps.add(StoreCapability.SHARED_ACROSS_PROCESSES);
    }
    return caps;
  }
}
