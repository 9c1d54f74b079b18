package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store URI split into the JDBC URL the driver sees and the jdtm options after it. The options
 * follow the URL as a fragment that starts with {@code #jdtm.}, {@code &}-separated, e.g.
 * {@code jdbc:postgresql://db/app?sslmode=require#jdtm.tablePrefix=app_&jdtm.createSchema=true}.
 * No JDBC URL syntax (H2, PostgreSQL, MariaDB, MySQL) gives {@code #jdtm.} a meaning, so the
 * split never takes anything from the driver. Immutable and thread-safe.
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
  static final String ALLOW_H2_CODE_SETTINGS = "allowH2CodeSettings";
  private static final Set<String> NAMES = Set.of(TABLE_PREFIX, CREATE_SCHEMA, MAX_POOL_SIZE,
      CONNECT_TIMEOUT, SOCKET_TIMEOUT, ALLOW_H2_CODE_SETTINGS);
  private static final String KNOWN = "jdtm.tablePrefix, jdtm.createSchema, jdtm.maxPoolSize, "
      + "jdtm.connectTimeout, jdtm.socketTimeout, jdtm.allowH2CodeSettings";
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

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
    Map<String, String> options = new LinkedHashMap<>();
    for (String pair : uri.substring(at + 1).split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (eq < 0 || !key.startsWith("jdtm.")) {
        throw new IllegalArgumentException("malformed jdtm option '" + Stores.redact(pair)
            + "' in store URI '" + Stores.redact(uri) + "': use #jdtm.name=value&jdtm.name=value");
      }
      String name = key.substring("jdtm.".length());
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown jdtm option '" + key + "' in store URI '"
            + Stores.redact(uri) + "'; known options: " + KNOWN);
      }
      if (options.put(name, pair.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("jdtm option '" + key + "' is given twice in store URI '"
            + Stores.redact(uri) + "'");
      }
    }
    return new UriOptions(uri.substring(0, at), options);
  }

  /** A boolean option: {@code true} or {@code false}, nothing else. */
  static boolean parseBoolean(String name, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("jdtm option 'jdtm." + name + "' must be true or false, was '"
        + value + "'");
  }

  /** A positive int option. */
  static int parsePositiveInt(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("jdtm option 'jdtm." + name
        + "' must be a positive number, was '" + value + "'");
  }

  /** A duration option: a whole number of {@code ms}, {@code s} or {@code m}, e.g. {@code 10s}. */
  static Duration parseDuration(String name, String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("jdtm option 'jdtm." + name
          + "' must be a duration such as 500ms, 10s or 2m, was '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
