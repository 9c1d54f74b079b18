package io.jdtm.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * The network timeouts of a pool the store opens, so that no store call waits forever on a
 * network that drops packets: {@code connect} bounds taking a connection from the pool (HikariCP's
 * connection timeout; also the driver's connect timeout), {@code socket} bounds each wait for the
 * database's answer (the driver's socket timeout; PostgreSQL and MariaDB/MySQL only, H2 has none).
 * A value the JDBC URL sets itself wins over ours. Immutable and thread-safe.
 */
record Timeouts(Duration connect, Duration socket) {
  static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);
  static final Duration DEFAULT_SOCKET = Duration.ofSeconds(30);
  /** HikariCP replaces a connection timeout below this with its 30 s default. */
  static final Duration MIN_CONNECT = Duration.ofMillis(250);
  static final Duration MIN_SOCKET = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofHours(1);
  private static final Duration MAX_VALIDATION = Duration.ofSeconds(5);

  /**
   * Checks a timeout setting.
   *
   * @throws IllegalArgumentException naming the setting and the value when out of range
   */
  static Duration require(Duration value, Duration min, String name) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(name + " must be " + min + " to " + MAX + ", was "
          + value);
    }
    return value;
  }

  /** Sets these timeouts on {@code config}, a pool for {@code url}. */
  void applyTo(HikariConfig config, String url) {
    config.setConnectionTimeout(connect.toMillis());
    // A dead connection found when borrowing must not use up the whole connect timeout.
    config.setValidationTimeout(Math.min(connect.toMillis(), MAX_VALIDATION.toMillis()));
    Dialect dialect = Dialect.ofUrl(url).orElse(Dialect.H2);
    if (dialect == Dialect.POSTGRESQL) {
      // PostgreSQL's driver counts whole seconds.
      driverProperty(config, url, "connectTimeout", Long.toString(ceilSeconds(connect)));
      driverProperty(config, url, "socketTimeout", Long.toString(ceilSeconds(socket)));
    } else if (dialect == Dialect.MARIADB) {
      driverProperty(config, url, "connectTimeout", Long.toString(connect.toMillis()));
      driverProperty(config, url, "socketTimeout", Long.toString(socket.toMillis()));
    }
  }

  private static void driverProperty(HikariConfig config, String url, String name, String value) {
    if (!url.toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT) + "=")) {
      config.addDataSourceProperty(name, value);
    }
  }

  private static long ceilSeconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }
}
