package io.jdtm.store.jdbc;

import io.jdtm.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * Creates the schema (on request) or checks that it is there, at the version this code speaks.
 * Thread-safe (stateless).
 */
final class Schema {
  private static final int CREATE_ATTEMPTS = 3;

  private Schema() {}

  /**
   * Applies the DDL; every statement is idempotent. Retried when another process creating the same
   * schema at the same moment makes a {@code CREATE ... IF NOT EXISTS} fail (PostgreSQL can).
   */
  static void create(Db db, Dialect dialect, Tables tables) {
    requireNoOtherVersion(db, tables);
    List<String> statements = Ddl.statements(dialect, tables);
    for (int attempt = 1; ; attempt++) {
      try {
        db.autoCommit("creating the schema", null, h -> execute(h, statements));
        return;
      } catch (StoreUnavailableException e) {
        boolean race = SqlErrors.find(e).map(s -> SqlErrors.isDuplicateKey(s)
            || "42P07".equals(s.getSQLState())).orElse(false);
        if (!race || attempt == CREATE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static Void execute(Handle h, List<String> statements) throws SQLException {
    try (Statement s = h.getConnection().createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
    return null;
  }

  /**
   * Checks that every table exists and the schema version is this code's.
   *
   * @throws IllegalStateException naming the missing table and how to create it, or the version
   *     mismatch
   */
  static void verify(Db db, Dialect dialect, Tables tables) {
    for (String table : List.of(tables.tx(), tables.schemaVersion())) {
      if (db.autoCommit("checking the schema", null, h -> isMissing(h, table))) {
        throw new IllegalStateException("table " + table + " does not exist in " + db.description()
            + ": create the schema with createSchema(true) (in a store URI: #jdtm.createSchema="
            + "true), or have a DBA apply the DDL that '"
            + JdbcSchema.command(false, dialect, tables) + "' prints");
      }
    }
    requireNoOtherVersion(db, tables);
    List<Integer> versions = versions(db, tables);
    if (versions.isEmpty()) {
      throw new IllegalStateException("table " + tables.schemaVersion() + " in "
          + db.description() + " holds no schema version: apply the DDL (createSchema(true) "
          + "does)");
    }
  }

  /**
   * Fails when {@code <prefix>schema_version} exists and names a version other than this code's.
   * Version 1 (one row per branch op in {@code <prefix>branch}) was never released, so nothing
   * migrates it.
   */
  private static void requireNoOtherVersion(Db db, Tables tables) {
    if (db.autoCommit("checking the schema", null, h -> isMissing(h, tables.schemaVersion()))) {
      return;
    }
    for (int version : versions(db, tables)) {
      if (version == 1) {
        throw new IllegalStateException("the tables " + tables.prefix() + "* in "
            + db.description() + " are of schema version 1, a development layout that was never "
            + "released and that this jdtm (schema version " + Ddl.SCHEMA_VERSION + ") cannot "
            + "read: drop the tables " + tables.tx() + ", " + tables.v1Branch() + " and "
            + tables.schemaVersion() + ", or use a new table prefix");
      }
      if (version != Ddl.SCHEMA_VERSION) {
        throw new IllegalStateException("table " + tables.schemaVersion() + " in "
            + db.description() + " says schema version " + version + ", but this jdtm reads and "
            + "writes version " + Ddl.SCHEMA_VERSION + (version > Ddl.SCHEMA_VERSION
            ? ": upgrade jdtm" : ": apply the DDL (createSchema(true) does)"));
      }
    }
  }

  private static List<Integer> versions(Db db, Tables tables) {
    return db.autoCommit("checking the schema", null, h -> h.createQuery(
        "SELECT version FROM " + tables.schemaVersion() + " ORDER BY version")
        .mapTo(Integer.class).list());
  }

  private static boolean isMissing(Handle h, String table) {
    try {
      h.createQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").mapTo(Integer.class).findOne();
      return false;
    } catch (JdbiException e) {
      Optional<SQLException> sql = SqlErrors.find(e);
      if (sql.isPresent() && SqlErrors.isMissingTable(sql.get())) {
        return true;
      }
      throw e;
    }
  }
}
