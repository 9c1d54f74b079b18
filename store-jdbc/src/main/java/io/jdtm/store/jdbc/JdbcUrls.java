package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;

/** Facts about JDBC URLs. Thread-safe (stateless). */
final class JdbcUrls {
  private JdbcUrls() {}

  /**
   * The URL to give the driver: a {@code jdbc:mysql:} URL gets MariaDB's {@code
   * permitMysqlScheme} flag when only the MariaDB driver is on the class path.
   *
   * @throws IllegalArgumentException when no driver on the class path accepts the URL
   */
  static String forDriver(String url) {
    if (accepted(url)) {
      return url;
    }
    if (url.startsWith("jdbc:mysql:")) {
      String flagged = url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
      if (accepted(flagged)) {
        return flagged;
      }
    }
    throw new IllegalArgumentException("no JDBC driver on the class path accepts '"
        + Stores.redact(url) + "': add com.h2database:h2, org.postgresql:postgresql or "
        + "org.mariadb.jdbc:mariadb-java-client to the application");
  }

  private static boolean accepted(String url) {
    try {
      return DriverManager.getDriver(url) != null;
    } catch (SQLException e) {
      return false;
    }
  }

  /** A named H2 in-memory database (in this JVM or on an H2 server). */
  static boolean isH2Memory(String url) {
    String rest = h2Rest(url);
    return rest != null && (rest.startsWith("mem:") || rest.matches("(tcp|ssl)://[^/]*/mem:.*"));
  }

  /** An H2 database other processes can open too: server mode or automatic mixed mode. */
  static boolean isH2Shared(String url) {
    String rest = h2Rest(url);
    return rest != null && (rest.startsWith("tcp:") || rest.startsWith("ssl:")
        || rest.contains(";auto_server=true"));
  }

  /**
   * Rejects an unnamed H2 in-memory URL: each connection would get its own private database.
   */
  static void requireNamedH2Memory(String url) {
    String rest = h2Rest(url);
    if (rest != null && (rest.equals("mem:") || rest.startsWith("mem:;"))) {
      throw new IllegalArgumentException("'" + Stores.redact(url) + "' is an unnamed H2 in-memory "
          + "database, private to one connection; name it, e.g. jdbc:h2:mem:jdtm");
    }
  }

  private static String h2Rest(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    return lower.startsWith("jdbc:h2:") ? lower.substring("jdbc:h2:".length()) : null;
  }
}
