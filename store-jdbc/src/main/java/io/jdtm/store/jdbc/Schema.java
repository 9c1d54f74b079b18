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
    for (String table : List.of(tables.tx(), tables.branch(), tables.schemaVersion())) {
      if (db.autoCommit("checking the schema", null, h -> isMissing(h, table))) {
        throw new IllegalStateException("table " + table + " does not exist in " + db.description()
            + ": create the schema with createSchema(true) (in a store URI: #jdtm.createSchema="
            + "true), or have a DBA apply the DDL that '"
            + JdbcSchema.command(false, dialect, tables) + "' prints");
      }
    }
    Integer version = db.autoCommit("checking the schema", null, h -> h.createQuery(
        "SELECT MAX(version) FROM " + tables.schemaVersion()).mapTo(Integer.class).one());
    if (version == null || version != Ddl.SCHEMA_VERSION) {
      throw new IllegalStateException("table " + tables.schemaVersion() + " in " + db.description()
          + " says schema version " + version + ", but this jdtm reads and writes version "
          + Ddl.SCHEMA_VERSION + (version != null && version > Ddl.SCHEMA_VERSION
          ? ": upgrade jdtm" : ": apply the DDL (createSchema(true) does)"));
    }
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
