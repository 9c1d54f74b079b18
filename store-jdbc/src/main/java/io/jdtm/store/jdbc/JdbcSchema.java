package io.jdtm.store.jdbc;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints the DDL of the JDBC store, or of the barrier's table, so that a DBA can apply it by hand
 * (the store or barrier then runs with {@code createSchema(false)}, needing no DDL rights):
 *
 * <pre>
 * java -cp store-jdbc.jar:saga-core.jar io.jdtm.store.jdbc.JdbcSchema postgresql jdtm_
 * java -cp store-jdbc.jar:saga-core.jar io.jdtm.store.jdbc.JdbcSchema --barrier postgresql jdtm_
 * </pre>
 *
 * <p>It needs nothing but the store-jdbc and saga-core jars: the DDL is their {@code .sql}
 * resources (the barrier table's lives in saga-core, which XA branches share), the same the store
 * and barrier apply with {@code createSchema(true)}, with the table prefix substituted.
 *
 * <p>Every statement is idempotent ({@code CREATE ... IF NOT EXISTS}). The store's script records
 * its schema version in {@code <prefix>schema_version}; the barrier's script stands alone (it
 * belongs in each participant's database, where the store's tables usually are not). Thread-safe
 * (stateless).
 */
public final class JdbcSchema {
  private static final String BARRIER_FLAG = "--barrier";

  private JdbcSchema() {}

  /**
   * The store's DDL for a dialect and table prefix.
   *
   * @param dialect {@code h2}, {@code postgresql}, {@code mariadb} or {@code mysql}
   * @param tablePrefix the table prefix, as given to {@link JdbcStore.Builder#tablePrefix}
   * @throws IllegalArgumentException naming the dialect or prefix when it is invalid
   */
  public static String ddl(String dialect, String tablePrefix) {
    return Ddl.script(Dialect.ofName(dialect), new Tables(tablePrefix));
  }

  /**
   * The DDL of the barrier's table ({@link JdbcBarrier}) for a dialect and table prefix.
   *
   * @param dialect {@code h2}, {@code postgresql}, {@code mariadb} or {@code mysql}
   * @param tablePrefix the table prefix, as given to {@link JdbcBarrier.Builder#tablePrefix}
   * @throws IllegalArgumentException naming the dialect or prefix when it is invalid
   */
  public static String barrierDdl(String dialect, String tablePrefix) {
    return Ddl.barrierScript(Dialect.ofName(dialect), new Tables(tablePrefix));
  }

  /**
   * Prints {@link #ddl} (or, after {@code --barrier}, {@link #barrierDdl}) for the dialect and
   * table prefix (default {@code jdtm_}) given as arguments; exits with status 2 and a usage
   * message on bad arguments.
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The command line that prints the store's (or the barrier's) DDL, as errors name it. */
  static String command(boolean barrier, Dialect dialect, Tables tables) {
    return "java -cp store-jdbc.jar" + java.io.File.pathSeparator + "saga-core.jar "
        + JdbcSchema.class.getName() + (barrier ? " " + BARRIER_FLAG
        : "") + " " + dialect.name().toLowerCase(Locale.ROOT) + " " + tables.prefix();
  }

  /** {@link #main} without exiting, for tests. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    boolean barrier = args.length > 0 && args[0].equals(BARRIER_FLAG);
    String[] rest = barrier ? Arrays.copyOfRange(args, 1, args.length) : args;
    if (rest.length < 1 || rest.length > 2) {
      err.println("usage: JdbcSchema [" + BARRIER_FLAG
          + "] h2|postgresql|mariadb|mysql [tablePrefix]");
      return 2;
    }
    String prefix = rest.length == 2 ? rest[1] : Tables.DEFAULT_PREFIX;
    try {
      out.print(barrier ? barrierDdl(rest[0], prefix) : ddl(rest[0], prefix));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
  }
}
