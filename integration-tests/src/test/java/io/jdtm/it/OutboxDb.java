package io.jdtm.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdtm.store.jdbc.JdbcStore;
import io.jdtm.store.jdbc.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A database holding both a JDBC store's tables and the caller's own table ({@code
 * <prefix>orders}), reached by the store and by a pool of the caller's: H2 file in {@code *Test}
 * classes, PostgreSQL and MariaDB in {@code *IT} classes (skipped when the server is missing).
 */
record OutboxDb(String name, Supplier<Endpoint> endpoint) {
  /** Where a database is and who may connect. */
  record Endpoint(String url, String user, String password, Path dir) {}

  @Override
  public String toString() {
    return name;
  }

  static List<OutboxDb> local() {
    return List.of(new OutboxDb("h2-file", () -> {
      try {
        Path dir = Files.createTempDirectory("jdtm-outbox-");
        return new Endpoint("jdbc:h2:file:" + dir.resolve("db"), "sa", "", dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
  }

  static List<OutboxDb> servers() {
    return List.of(
        new OutboxDb("postgresql", () -> server(TestServers.postgres())),
        new OutboxDb("mariadb", () -> server(TestServers.mariadb())));
  }

  private static Endpoint server(TestServers.Server s) {
    return new Endpoint(s.url(), s.user(), s.password(), null);
  }

  /** Opens the store and the caller's pool on fresh tables. */
  Opened open() {
    return new Opened(endpoint.get());
  }

  /** The store, the caller's pool and the orders table; dropped or deleted on close. */
  static final class Opened implements AutoCloseable {
    final String prefix;
    final JdbcStore store;
    final HikariDataSource dataSource;
    private final Endpoint at;

    Opened(Endpoint at) {
      this.at = at;
      byte[] random = new byte[4];
      ThreadLocalRandom.current().nextBytes(random);
      this.prefix = ("it_outbox_" + HexFormat.of().formatHex(random) + "_").toLowerCase(Locale.ROOT);
      this.store = JdbcStore.builder().url(at.url()).credentials(at.user(), at.password())
          .tablePrefix(prefix).createSchema(true).build();
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(at.url());
      config.setUsername(at.user());
      config.setPassword(at.password());
      config.setMaximumPoolSize(4);
      this.dataSource = new HikariDataSource(config);
      execute("CREATE TABLE " + orders() + " (id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");
    }

    String orders() {
      return prefix + "orders";
    }

    /** Inserts an order on {@code c}, in whatever transaction it is in. */
    void insertOrder(Connection c, String id, int amount) throws SQLException {
      try (var s = c.prepareStatement("INSERT INTO " + orders() + " (id, amount) VALUES (?, ?)")) {
        s.setString(1, id);
        s.setInt(2, amount);
        s.executeUpdate();
      }
    }

    /** Committed orders. */
    long orderCount() {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT COUNT(*) FROM " + orders())) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A connection with auto-commit off: a transaction of the caller's. */
    Connection begin() throws SQLException {
      Connection c = dataSource.getConnection();
      c.setAutoCommit(false);
      return c;
    }

    void execute(String... statements) {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        for (String sql : statements) {
          s.execute(sql);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("test fixture SQL failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      store.close();
      if (at.dir() == null) {
        execute("DROP TABLE IF EXISTS " + orders(), "DROP TABLE IF EXISTS " + prefix + "branch",
            "DROP TABLE IF EXISTS " + prefix + "tx",
            "DROP TABLE IF EXISTS " + prefix + "schema_version");
        dataSource.close();
        return;
      }
      dataSource.close();
      try (Stream<Path> files = Files.walk(at.dir())) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
