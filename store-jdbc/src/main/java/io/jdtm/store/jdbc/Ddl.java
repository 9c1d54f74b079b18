package io.jdtm.store.jdbc;

import io.jdtm.spi.BarrierTables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The versioned DDL shipped as class-path resources, one script per dialect for the store's tables
 * and one for the barrier's table, with the table prefix substituted. Every statement is
 * idempotent. Thread-safe (stateless).
 */
final class Ddl {
  /** The schema version these scripts create and this code reads and writes. */
  static final int SCHEMA_VERSION = 2;
  private static final String PLACEHOLDER = "${prefix}";

  private Ddl() {}

  /** The store's whole script for {@code dialect}, comments included, as a DBA would apply it. */
  static String script(Dialect dialect, Tables tables) {
    return load(dialect.ddlResource(), tables);
  }

  /** The store script's statements, without comments or terminators, in order. */
  static List<String> statements(Dialect dialect, Tables tables) {
    return split(script(dialect, tables));
  }

  /**
   * The barrier table's script for {@code dialect}: on its own, because a participant keeps its
   * barrier in its own database, where the store's tables usually are not.
   */
  static String barrierScript(Dialect dialect, Tables tables) {
    return BarrierTables.script(dialect.resourceName(), tables.prefix());
  }

  private static String load(String path, Tables tables) {
    try (InputStream in = Ddl.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("DDL resource " + path + " is missing from the jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replace(PLACEHOLDER, tables.prefix());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read DDL resource " + path, e);
    }
  }

  private static List<String> split(String script) {
    return BarrierTables.statements(script);
  }
}
