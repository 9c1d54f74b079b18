package io.jdtm.store.jdbc;

import io.jdtm.spi.BarrierTables;
import java.util.Locale;
import java.util.Optional;

/**
 * The SQL dialects the store speaks. MySQL shares MariaDB's, so that the same DDL and statements
 * serve both. Immutable and thread-safe.
 */
enum Dialect {
  H2("H2", "h2"),
  POSTGRESQL("PostgreSQL", "postgresql"),
  MARIADB("MariaDB/MySQL", "mariadb");

  private final String displayName;
  private final String resource;

  Dialect(String displayName, String resource) {
    this.displayName = displayName;
    this.resource = resource;
  }

  String displayName() {
    return displayName;
  }

  /** Class-path resource holding this dialect's DDL. */
  String ddlResource() {
    return "schema/" + resource + ".sql";
  }

  /** The dialect's name in resource names ({@code h2}, {@code postgresql}, {@code mariadb}). */
  String resourceName() {
    return resource;
  }

  /** The dialect a JDBC URL speaks, judged by its scheme. */
  static Optional<Dialect> ofUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      return Optional.of(H2);
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return Optional.of(POSTGRESQL);
    }
    if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
      return Optional.of(MARIADB);
    }
    return Optional.empty();
  }

  /** The dialect of a database as its JDBC metadata names it ({@code getDatabaseProductName}). */
  static Optional<Dialect> ofProduct(String productName) {
    return BarrierTables.dialectOfProduct(productName).map(Dialect::ofName);
  }

  /**
   * Parses a dialect name as {@link JdbcSchema} takes it: {@code h2}, {@code postgresql}, {@code
   * mariadb} or {@code mysql}.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  static Dialect ofName(String name) {
    String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "h2":
        return H2;
      case "postgresql":
        return POSTGRESQL;
      case "mariadb":
      case "mysql":
        return MARIADB;
      default:
        throw new IllegalArgumentException("unknown SQL dialect '" + name
            + "': use h2, postgresql, mariadb or mysql");
    }
  }
}
