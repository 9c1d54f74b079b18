package io.jdtm.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The database servers the {@code *IT} tests use, found once per JVM (static, lazily started
 * holders). Endpoints come from environment variables with loopback defaults:
 *
 * <ul>
 *   <li>PostgreSQL: {@code JDTM_PG_URL} ({@code jdbc:postgresql://127.0.0.1:5432/test}), {@code
 *       JDTM_PG_USER} ({@code postgres}), {@code JDTM_PG_PASSWORD} (empty);
 *   <li>MariaDB: {@code JDTM_MARIADB_URL} ({@code jdbc:mariadb://127.0.0.1:3306/test}), {@code
 *       JDTM_MARIADB_USER} ({@code root}), {@code JDTM_MARIADB_PASSWORD} (empty).
 * </ul>
 *
 * <p>A missing server fails the test when {@code CI=true}, and skips it otherwise, saying why.
 * {@code scripts/ensure-servers} starts both on loopback. Thread-safe.
 */
public final class TestServers {
  private TestServers() {}

  /** One server's endpoint. */
  public record Server(String name, String url, String user, String password, String env) {
    JdbcStore.Builder builder() {
      return JdbcStore.builder().url(url).credentials(user, password);
    }

    Connection connect() throws SQLException {
      Properties props = new Properties();
      props.setProperty("user", user);
      props.setProperty("password", password);
      return DriverManager.getConnection(url, props);
    }
  }

  /** PostgreSQL, or the test is skipped (failed on CI). */
  public static Server postgres() {
    return require(Postgres.SERVER, Postgres.PROBLEM);
  }

  /** MariaDB, or the test is skipped (failed on CI). */
  public static Server mariadb() {
    return require(MariaDb.SERVER, MariaDb.PROBLEM);
  }

  private static final class Postgres {
    static final Server SERVER = server("PostgreSQL", "JDTM_PG",
        "jdbc:postgresql://127.0.0.1:5432/test", "postgres");
    static final String PROBLEM = problem(SERVER);
  }

  private static final class MariaDb {
    static final Server SERVER = server("MariaDB", "JDTM_MARIADB",
        "jdbc:mariadb://127.0.0.1:3306/test", "root");
    static final String PROBLEM = problem(SERVER);
  }

  private static Server server(String name, String env, String url, String user) {
    return new Server(name, getenv(env + "_URL", url), getenv(env + "_USER", user),
        getenv(env + "_PASSWORD", ""), env);
  }

  private static String getenv(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Why the server cannot be used, or null when it answers. */
  private static String problem(Server s) {
    DriverManager.setLoginTimeout(5);
    try (Connection c = s.connect()) {
      return c.isValid(5) ? null : "connection not valid";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static Server require(Server s, String problem) {
    if (problem == null) {
      return s;
    }
    String message = s.name() + " is not reachable at " + s.url() + " as " + s.user() + " ("
        + problem + "). Run scripts/ensure-servers, or point " + s.env() + "_URL, " + s.env()
        + "_USER and " + s.env() + "_PASSWORD at a server.";
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + message);
    }
    Assumptions.abort(message);
    return s;
  }
}
