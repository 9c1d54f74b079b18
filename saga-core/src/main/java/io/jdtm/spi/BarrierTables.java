package io.jdtm.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The sub-transaction barrier's table in a participant's SQL database, one layout for every user
 * of it (the JDBC barrier and XA branches write the same rows): its DDL per SQL dialect, shipped as
 * class-path resources, and the table prefix rule. Thread-safe (stateless).
 */
public final class BarrierTables {
  /** Default table prefix: table {@code jdtm_barrier}. */
  public static final String DEFAULT_PREFIX = "jdtm_";

  /** The longest suffix jdtm appends to a prefix (a table or index name). */
  private static final String LONGEST_SUFFIX = "schema_version";

  private static final int MAX_NAME = 63;

  /**
   * The table prefix rule: an identifier short enough that every table and index name made from it
   * stays within 63 characters (PostgreSQL would silently truncate longer names, and two tables
   * could then collide).
   */
  public static final String PREFIX_RULE =
      "[A-Za-z_][A-Za-z0-9_]{0," + (MAX_NAME - LONGEST_SUFFIX.length() - 1) + "}";

  private static final Pattern PREFIX = Pattern.compile(PREFIX_RULE);
  private static final int SHOWN = 60;
  private static final String PLACEHOLDER = "${prefix}";
  private static final int CREATE_ATTEMPTS = 3;

  private BarrierTables() {}

  /**
   * Checks a table prefix against {@link #PREFIX_RULE}.
   *
   * @throws IllegalArgumentException naming the prefix (shortened, control characters escaped)
   *     and the rule
   */
  public static String requirePrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("invalid table prefix " + shown(prefix)
          + ": a table prefix must match " + PREFIX_RULE + ", so that '<prefix>" + LONGEST_SUFFIX
          + "' stays within " + MAX_NAME + " characters");
    }
    return prefix;
  }

  /**
   * The dialect name of a database as its JDBC metadata names it ({@code
   * getDatabaseProductName()}): {@code h2}, {@code postgresql} or {@code mariadb} (MySQL too).
   */
  public static Optional<String> dialectOfProduct(String productName) {
    String lower = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (lower.equals("h2")) {
      return Optional.of("h2");
    }
    if (lower.contains("postgresql")) {
      return Optional.of("postgresql");
    }
    if (lower.contains("mariadb") || lower.contains("mysql")) {
      return Optional.of("mariadb");
    }
    return Optional.empty();
  }

  /**
   * The barrier table's whole DDL script for {@code dialect} ({@code h2}, {@code postgresql} or
   * {@code mariadb}), comments included, as a DBA would apply it. Every statement is idempotent.
   *
   * @throws IllegalArgumentException for another dialect or an invalid prefix
   */
  public static String script(String dialect, String prefix) {
    requirePrefix(prefix);
    if (!List.of("h2", "postgresql", "mariadb").contains(dialect)) {
      throw new IllegalArgumentException("no barrier table DDL for dialect '" + dialect
          + "': use h2, postgresql or mariadb");
    }
    String path = "barrier-" + dialect + ".sql";
    try (InputStream in = BarrierTables.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("DDL resource " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(PLACEHOLDER, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read DDL resource " + path, e);
    }
  }

  /**
   * Applies the barrier table's DDL for {@code dialect} on {@code c} (in auto-commit mode); every
   * statement is idempotent. Retried when another process creating the same table at the same
   * moment makes a {@code CREATE ... IF NOT EXISTS} fail (PostgreSQL can).
   *
   * @param timeoutSeconds each statement's query timeout; 0 for none
   * @throws SQLException when the DDL fails
   */
  public static void create(Connection c, String dialect, String prefix, int timeoutSeconds)
      throws SQLException {
    List<String> ddl = statements(script(dialect, prefix));
    for (int attempt = 1; ; attempt++) {
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(timeoutSeconds);
        for (String sql : ddl) {
          s.execute(sql);
        }
        return;
      } catch (SQLException e) {
        boolean race = "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062
            || "42P07".equals(e.getSQLState());
        if (!race || attempt == CREATE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The statements of a DDL script, without comments or terminators, in order. */
  public static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(current.length() == 0 ? "" : "\n").append(line.stripTrailing());
      if (trimmed.endsWith(";")) {
        current.setLength(current.length() - 1);
        statements.add(current.toString());
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      statements.add(current.toString());
    }
    return statements;
  }

  private static String shown(String prefix) {
    if (prefix == null) {
      return "null";
    }
    String head = prefix.length() > SHOWN ? prefix.substring(0, SHOWN) + "..." : prefix;
    StringBuilder sb = new StringBuilder("'");
    head.chars().forEach(c -> sb.append(Character.isISOControl(c)
        ? String.format(Locale.ROOT, "\\u%04x", c) : String.valueOf((char) c)));
    return sb.append("' (").append(prefix.length()).append(" characters)").toString();
  }
}
