package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import io.jdtm.spi.StoreUriOptions;
import java.util.List;
import java.util.Map;

/**
 * A store URI split into the JDBC URL the driver sees and the jdtm options after it. The options
 * follow the URL as a fragment that starts with {@code #jdtm.}, {@code &}-separated, e.g.
 * {@code jdbc:postgresql://db/app?sslmode=require#jdtm.tablePrefix=app_&jdtm.createSchema=true}.
 * No JDBC URL syntax (H2, PostgreSQL, MariaDB, MySQL) gives {@code #jdtm.} a meaning, so the
 * split never takes anything from the driver. The options are parsed, and their values read, with
 * {@link StoreUriOptions}, as every store does. Immutable and thread-safe.
 *
 * @param jdbcUrl the URL without the options
 * @param options option name (without {@code jdtm.}) to value, in the order given
 */
record UriOptions(String jdbcUrl, Map<String, String> options) {
  static final String MARKER = "#jdtm.";
  static final String TABLE_PREFIX = "tablePrefix";
  static final String CREATE_SCHEMA = "createSchema";
  static final String MAX_POOL_SIZE = "maxPoolSize";
  static final String CONNECT_TIMEOUT = "connectTimeout";
  static final String SOCKET_TIMEOUT = "socketTimeout";
  private static final List<String> NAMES = List.of(TABLE_PREFIX, CREATE_SCHEMA, MAX_POOL_SIZE,
      CONNECT_TIMEOUT, SOCKET_TIMEOUT);

  UriOptions {
    options = Map.copyOf(options);
  }

  /**
   * Splits {@code uri}.
   *
   * @throws IllegalArgumentException naming the (redacted) URI and the bad option
   */
  static UriOptions parse(String uri) {
    int at = uri.indexOf(MARKER);
    if (at < 0) {
      return new UriOptions(uri, Map.of());
    }
    Map<String, String> options = StoreUriOptions.parse(uri.substring(at + 1), NAMES,
        Stores.redact(uri));
    return new UriOptions(uri.substring(0, at), options);
  }
}
