package io.jdtm.store.jdbc;

import java.io.PrintStream;

/**
 * Prints the DDL of the JDBC store so that a DBA can apply it by hand (the store then runs with
 * {@code createSchema(false)}, needing no DDL rights):
 *
 * <pre>
 * java -cp store-jdbc.jar:saga-core.jar io.jdtm.store.jdbc.JdbcSchema postgresql jdtm_
 * </pre>
 *
 * <p>Every statement is idempotent ({@code CREATE ... IF NOT EXISTS}) and the script records its
 * schema version in {@code <prefix>schema_version}. Thread-safe (stateless).
 */
public final class JdbcSchema {
  private JdbcSchema() {}

  /**
   * The DDL for a dialect and table prefix.
   *
   * @param dialect {@code h2}, {@code postgresql}, {@code mariadb} or {@code mysql}
   * @param tablePrefix the table prefix, as given to {@link JdbcStore.Builder#tablePrefix}
   * @throws IllegalArgumentException naming the dialect or prefix when it is invalid
   */
  public static String ddl(String dialect, String tablePrefix) {
    return Ddl.script(Dialect.ofName(dialect), new Tables(tablePrefix));
  }

  /**
   * Prints {@link #ddl} for {@code args[0]} (dialect) and {@code args[1]} (table prefix, default
   * {@code jdtm_}); exits with status 2 and a usage message on bad arguments.
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** {@link #main} without exiting, for tests. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 1 || args.length > 2) {
      err.println("usage: JdbcSchema h2|postgresql|mariadb|mysql [tablePrefix]");
      return 2;
    }
    try {
      out.print(ddl(args[0], args.length == 2 ? args[1] : Tables.DEFAULT_PREFIX));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
  }
}
