package io.jdtm.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-through commits for H2 databases kept in files. H2's MVStore writes committed changes to
 * its file in the background, up to {@code WRITE_DELAY} milliseconds (default 500) after the
 * commit returned, so a killed process loses what it acknowledged last. With {@code WRITE_DELAY=0}
 * each commit writes its changes to the file before it returns (H2 2.x: {@code
 * TransactionStore.endTransaction} commits the MVStore when its auto-commit delay is 0); the file
 * is not forced to disk (no fsync), so the operating system still holds them for a while.
 * Thread-safe (stateless).
 */
final class H2WriteThrough {
  private static final Logger log = LoggerFactory.getLogger(H2WriteThrough.class);
  private static final String SETTING = "WRITE_DELAY";
  /** H2's {@code ErrorCode.ADMIN_RIGHTS_REQUIRED}. */
  private static final int ADMIN_RIGHTS_REQUIRED = 90040;
  private static final Pattern NAMED = Pattern.compile(";\\s*" + SETTING + "\\s*=");

  private H2WriteThrough() {}

  /**
   * The URL to open: an H2 file or server URL that names no {@code WRITE_DELAY} gets {@code
   * ;WRITE_DELAY=0}, unless H2 refuses it to {@code user} (a setting for admins only), which a
   * trial connection finds out; any other URL, and one that sets it explicitly, is returned as it
   * is.
   */
  static String url(String url, String user, String password) {
    String writeThrough = url(url);
    return writeThrough.equals(url) || adminAllowed(writeThrough, user, password) ? writeThrough
        : url;
  }

  /** {@link #url(String, String, String)} without the trial connection. */
  static String url(String url) {
    if (Dialect.ofUrl(url).orElse(null) != Dialect.H2 || JdbcUrls.isH2Memory(url)
        || NAMED.matcher(url.toUpperCase(Locale.ROOT)).find()) {
      return url;
    }
    return url + (url.endsWith(";") ? "" : ";") + SETTING + "=0";
  }

  /** False only when H2 refuses the URL's settings to this user for want of admin rights. */
  private static boolean adminAllowed(String url, String user, String password) {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    try (Connection c = DriverManager.getConnection(url, props)) {
      return true;
    } catch (SQLException e) {
      return e.getErrorCode() != ADMIN_RIGHTS_REQUIRED; // other problems: the pool reports them
    }
  }

  /**
   * Whether the H2 database behind {@code jdbi} commits write-through, read back from {@code
   * INFORMATION_SCHEMA.SETTINGS}; logs a warning saying why not otherwise. H2 lists the setting
   * twice once it was ever set: the value stored in the database and the one in effect, which
   * differ when the database was reopened without it; all must be 0.
   */
  static boolean verify(Jdbi jdbi, String where) {
    Optional<Set<String>> delay;
    try {
      delay = jdbi.withHandle(h -> read(h.getConnection()));
    } catch (JdbiException e) {
      delay = Optional.empty();
    }
    return judge(delay, Risk.STORE, where);
  }

  /**
   * {@link #verify(Jdbi, String)} for a barrier's database, on a connection to it: barrier rows
   * and the business changes committed with them are what a process kill can lose.
   */
  static boolean verifyForBarrier(Connection c, String where) {
    return judge(read(c), Risk.BARRIER, where);
  }

  /** Who relies on the commits, and what a process kill loses when they are not write-through. */
  private enum Risk {
    STORE("store", "DURABLE", "acknowledged transactions"),
    BARRIER("barrier", "write-through", "business changes and barrier rows of branch ops that "
        + "already answered, breaking exactly-once");

    final String who;
    final String missing;
    final String lost;

    Risk(String who, String missing, String lost) {
      this.who = who;
      this.missing = missing;
      this.lost = lost;
    }
  }

  private static boolean judge(Optional<Set<String>> delay, Risk risk, String where) {
    if (delay.isPresent() && delay.get().equals(Set.of("0"))) {
      return true;
    }
    log.warn("jdtm {} on H2 at {} is not {}: {}, so a commit reaches the file only after it "
        + "returned and a process kill can lose {}. Open it with WRITE_DELAY=0 in the URL, as an "
        + "admin (the {} adds it to a URL it opens that does not set it)", risk.who, where,
        risk.missing, delay.map(d -> SETTING + " is " + String.join(" and ", d) + " ms")
            .orElse(SETTING + " could not be read"), risk.lost, risk.who);
    return false;
  }

  private static Optional<Set<String>> read(Connection c) {
    Set<String> values = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
            + "WHERE SETTING_NAME = '" + SETTING + "'")) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(values);
  }
}
