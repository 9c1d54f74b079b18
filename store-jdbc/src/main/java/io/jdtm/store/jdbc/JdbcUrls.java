package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Facts about JDBC URLs. Thread-safe (stateless). */
final class JdbcUrls {
  private static final Set<String> H2_CODE_SETTINGS =
      Set.of("INIT", "DATABASE_EVENT_LISTENER", "JAVA_OBJECT_SERIALIZER");

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

  /**
   * The H2 connection settings in {@code url} that run code when a connection opens: {@code INIT}
   * (any SQL, such as {@code RUNSCRIPT FROM 'http://...'} or {@code CREATE ALIAS} with Java
   * source), {@code DATABASE_EVENT_LISTENER} and {@code JAVA_OBJECT_SERIALIZER} (a class on the
   * class path is instantiated), upper-cased, in URL order; empty for other URLs.
   */
  static List<String> h2CodeSettings(String url) {
    String rest = h2Rest(url);
    if (rest == null) {
      return List.of();
    }
    // Splitting at every ';', escaped or not, finds each real setting (and maybe more).
    List<String> found = new ArrayList<>();
    for (String setting : rest.split(";")) {
      int eq = setting.indexOf('=');
      String key = eq < 0 ? "" : setting.substring(0, eq).strip().toUpperCase(Locale.ROOT);
      if (H2_CODE_SETTINGS.contains(key) && !found.contains(key)) {
        found.add(key);
      }
    }
    return found;
  }

  /**
   * Rejects an H2 URL holding {@link #h2CodeSettings} unless {@code allowed}, naming the settings
   * and both ways to allow them ({@code allowH2CodeSettings(true)}, {@code
   * #jdtm.allowH2CodeSettings=true}), for the store's and the barrier's builders alike.
   */
  static void requireNoH2CodeSettings(String url, boolean allowed) {
    List<String> code = h2CodeSettings(url);
    if (!code.isEmpty() && !allowed) {
      throw new IllegalArgumentException("the H2 URL '" + Stores.redact(url) + "' holds "
          + String.join(", ", code) + ", which runs code when a connection opens; remove it, or "
          + "allow it with allowH2CodeSettings(true) or the URI option "
          + "#jdtm.allowH2CodeSettings=true");
    }
  }

  private static String h2Rest(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    return lower.startsWith("jdbc:h2:") ? lower.substring("jdbc:h2:".length()) : null;
  }
}
