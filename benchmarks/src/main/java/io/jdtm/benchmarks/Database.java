package io.jdtm.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdtm.store.jdbc.JdbcBarrier;
import io.jdtm.store.jdbc.JdbcStore;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a JDBC benchmark's database is. The servers default to those {@code scripts/ensure-servers}
 * starts and follow the tests' variables {@code JDTM_PG_URL}/{@code _USER}/{@code _PASSWORD} and
 * {@code JDTM_MARIADB_URL}/... Immutable and thread-safe.
 */
record Database(String url, String user, String password) {
  /** The size of every pool a benchmark opens, the stores' default. */
  static final int POOL_SIZE = 10;

  static Database postgres() {
    return server("JDTM_PG", "jdbc:postgresql://127.0.0.1:5432/test", "postgres");
  }

  static Database mariadb() {
    return server("JDTM_MARIADB", "jdbc:mariadb://127.0.0.1:3306/test", "root");
  }

  static Database h2(String url) {
    return new Database(url, "sa", "");
  }

  /** A table prefix no other run uses, so parallel runs and test suites never collide. */
  static String randomPrefix() {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return ("bench_" + HexFormat.of().formatHex(random) + "_").toLowerCase(Locale.ROOT);
  }

  HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setAutoCommit(false);
    return new HikariDataSource(config);
  }

  JdbcStore store(String prefix) {
    return JdbcStore.builder().url(url).credentials(user, password).tablePrefix(prefix)
        .maxPoolSize(POOL_SIZE).createSchema(true).build();
  }

  JdbcBarrier barrier(String prefix) {
    return JdbcBarrier.builder().url(url).credentials(user, password).tablePrefix(prefix)
        .maxPoolSize(POOL_SIZE).createSchema(true).build();
  }

  private static Database server(String env, String url, String user) {
    return new Database(getenv(env + "_URL", url), getenv(env + "_USER", user),
        getenv(env + "_PASSWORD", ""));
  }

  private static String getenv(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
