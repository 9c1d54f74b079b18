package io.jdtm.store.jdbc;

/**
 * The barrier's statements for one dialect, built once from validated table names; parameters
 * are positional ({@code ?}) because the barrier works on plain JDBC connections. Immutable and
 * thread-safe.
 *
 * <p>How each dialect inserts a row only if its key is absent, correctly under concurrency at the
 * database's default isolation (a concurrent insert of the same key waits for the first
 * transaction to end, then does nothing if it committed, or inserts if it rolled back):
 *
 * <ul>
 *   <li>PostgreSQL: {@code INSERT ... ON CONFLICT DO NOTHING} (a failing statement would abort
 *       the whole transaction, so the duplicate must not raise);
 *   <li>MariaDB/MySQL: {@code INSERT IGNORE}; it would also turn a too-long or malformed value
 *       into a warning, which cannot happen because every value is validated and short;
 *   <li>H2: a plain {@code INSERT} whose duplicate-key error means "present": H2 undoes only the
 *       failed statement, never the transaction.
 * </ul>
 */
final class BarrierSql {
  /** Rows deleted per statement (and transaction) by a purge. */
  static final int PURGE_BATCH = 1000;
  private static final String COLUMNS =
      "trans_type, gid, branch_id, op, barrier_id, reason, created_at";
  private static final String KEY =
      "trans_type = ? AND gid = ? AND branch_id = ? AND op = ? AND barrier_id = ?";

  final Dialect dialect;
  final String table;
  /** Inserts {@code (COLUMNS)}; see {@link #duplicateRaises}. */
  final String insert;
  /** Whether {@link #insert} raises a duplicate-key error (H2) rather than inserting nothing. */
  final boolean duplicateRaises;
  /** The reason of the row with a given key, read as committed now, not from a snapshot. */
  final String reason;
  /** Deletes up to {@link #PURGE_BATCH} rows created before a time. */
  final String purgeBatch;
  /** Selects every column the barrier uses, no row: fails unless the table is usable. */
  final String probe;

  BarrierSql(Dialect dialect, Tables tables) {
    this.dialect = dialect;
    this.table = tables.barrier();
    String values = " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    insert = switch (dialect) {
      case POSTGRESQL -> "INSERT INTO " + table + values + " ON CONFLICT DO NOTHING";
      case MARIADB -> "INSERT IGNORE INTO " + table + values;
      case H2 -> "INSERT INTO " + table + values;
    };
    duplicateRaises = dialect == Dialect.H2;
    // MariaDB's plain SELECT reads the transaction's snapshot, which may predate the row that
    // made the insert do nothing; a locking read sees it. PostgreSQL and H2 read committed.
    reason = "SELECT reason FROM " + table + " WHERE " + KEY
        + (dialect == Dialect.MARIADB ? " LOCK IN SHARE MODE" : "");
    purgeBatch = switch (dialect) {
      case POSTGRESQL -> "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
          + table + " WHERE created_at < ? LIMIT " + PURGE_BATCH + "))";
      case MARIADB -> "DELETE FROM " + table + " WHERE created_at < ? LIMIT " + PURGE_BATCH;
      case H2 -> "DELETE FROM " + table + " WHERE created_at < ? FETCH FIRST " + PURGE_BATCH
          + " ROWS ONLY";
    };
    probe = "SELECT " + COLUMNS + " FROM " + table + " WHERE 1 = 0";
  }
}
