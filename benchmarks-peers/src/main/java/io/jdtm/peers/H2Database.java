package io.jdtm.peers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One H2 database for one benchmark trial, behind a HikariCP pool of 10 connections (the pool
 * jdtm's JDBC baselines use). {@code mem} is a private in-memory database; {@code file} is a file
 * database in a fresh temporary directory, deleted on {@link #close()}, opened with
 * {@code ;WRITE_DELAY=0} as jdtm's H2 file store is (each commit written to the file before it
 * returns); the system property {@value #FILE_OPTIONS} replaces those URL settings (empty: H2's
 * defaults), e.g. {@code -jvmArgsAppend -Djdtm.peers.h2FileOptions=}.
 * Not thread-safe to open and close; the {@link DataSource} it hands out is.
 */
final class H2Database implements AutoCloseable {
  private static final int POOL_SIZE = 10;
  static final String FILE_OPTIONS = "jdtm.peers.h2FileOptions";
  private static final String DURABLE_FILE = ";WRITE_DELAY=0";

  private final HikariDataSource dataSource;
  private final Path directory;

  private H2Database(String url, Path directory) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setPoolName("peers-h2");
    this.dataSource = new HikariDataSource(config);
    this.directory = directory;
  }

  /**
   * Opens a fresh database of the given kind.
   *
   * @param kind {@code mem} or {@code file}
   */
  static H2Database open(String kind) {
    String name = "peers-" + UUID.randomUUID();
    switch (kind) {
      case "mem":
        return new H2Database("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", null);
      case "file":
        Path dir = createTempDirectory();
        String options = System.getProperty(FILE_OPTIONS, DURABLE_FILE);
        return new H2Database("jdbc:h2:file:" + dir.resolve(name) + options, dir);
      default:
        throw new IllegalArgumentException("H2 kind must be mem or file, was " + kind);
    }
  }

  DataSource dataSource() {
    return dataSource;
  }

  /** Runs a classpath SQL script of statements separated by semicolons (no semicolons inside). */
  H2Database runScript(String resource) {
    String script = readResource(resource);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String sql : script.split(";")) {
        if (!sql.isBlank()) {
          s.execute(sql);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + resource, e);
    }
    return this;
  }

  @Override
  public void close() {
    dataSource.close();
    if (directory == null) {
      try (Connection c = DriverManager.getConnection(dataSource.getJdbcUrl(), "sa", "");
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot shut H2 down", e);
      }
    } else {
      deleteRecursively(directory);
    }
  }

  private static String readResource(String resource) {
    try (InputStream in = H2Database.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("jdtm-peers-h2");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
