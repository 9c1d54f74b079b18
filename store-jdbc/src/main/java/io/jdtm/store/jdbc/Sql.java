package io.jdtm.store.jdbc;

import io.jdtm.TxStatus;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every statement the store runs, built once from validated table names. The hot path's
 * statements (create, update, load) take positional parameters ({@code ?}) and run on plain JDBC;
 * the others take named ones ({@code :name}) and run on Jdbi. Times are epoch milliseconds.
 * Immutable and thread-safe.
 */
final class Sql {
  static final String TX_COLUMNS = "t.gid, t.mode, t.status, t.version, t.lease_owner, "
      + "t.lease_epoch, t.next_due_at, t.created_at, t.updated_at, t.reason, t.custom_data, "
      + "t.options, t.branches, t.progress";
  static final int TX_COLUMN_COUNT = 14;
  /** {@link java.sql.DatabaseMetaData#getDriverName()} of MariaDB Connector/J. */
  static final String MARIADB_DRIVER = "MariaDB Connector/J";
  /** Same text as the PostgreSQL partial index predicate, so the planner can use that index. */
  static final String FINISHED = statusList();

  /** Inserts a whole record: {@link Rows#bindInsert} binds its 14 parameters. */
  final String insertTx;
  /**
   * Whether {@link #insertTx} meets an existing gid without an error and reports it through its
   * generated key (MariaDB/MySQL through MariaDB Connector/J, see {@link #marksExisting}).
   * MariaDB's driver logs every error the server returns as a WARN, so on the documented
   * idempotent path (submitting or preparing a gid again) the insert must not fail: it updates
   * nothing on an existing row but sets {@code LAST_INSERT_ID(1)}, which the server returns in the
   * statement's answer (its affected-row count cannot tell: with the driver's default {@code
   * useAffectedRows=false} it is 1 for an insert and for an existing row). An inserted row
   * generates no key. Elsewhere the insert itself skips an existing gid (PostgreSQL) or fails with
   * a duplicate-key error that is not logged (H2), or {@link #txExistsBeforeInsert} asks first.
   */
  final boolean insertMarksExisting;
  /**
   * Whether a record exists ({@code ?}: the gid), asked before inserting it on MariaDB/MySQL
   * through another driver than MariaDB Connector/J (whose generated keys {@link
   * #insertMarksExisting} needs); else {@code null}. A concurrent insert of the same gid can still
   * lose with a duplicate-key error.
   */
  final String txExistsBeforeInsert;
  /**
   * The compare-and-set write of a whole new record's progress: status, reason, next_due_at,
   * updated_at, progress; then gid, expected version and expected status.
   */
  final String updateTx;
  /** As {@link #updateTx}, and branches (the sixth parameter) too: when branches were added. */
  final String updateTxAndBranches;
  /** One record ({@code ?}: the gid). */
  final String loadOne;
  /** One record, locked for the rest of the transaction ({@code ?}: the gid). */
  final String lockOne;
  final String claimCandidates;
  final String claimOne;
  final String claimReturning;
  final String park;
  final String purgeCandidates;
  /** Every record's gid, version and branch columns, for {@link JdbcStore#checkIntegrity}. */
  final String everyRecord;
  private final Tables tables;

  /**
   * Statements for {@code dialect}; {@code driverName} is the JDBC driver's {@link
   * java.sql.DatabaseMetaData#getDriverName()}, which decides how a create meets an existing gid.
   */
  Sql(Dialect dialect, Tables t, boolean skipLocked, String driverName) {
    this.tables = t;
    insertMarksExisting = marksExisting(dialect, driverName);
    insertTx = "INSERT INTO " + t.tx() + " (gid, mode, status, version, lease_owner, lease_epoch, "
        + "next_due_at, created_at, updated_at, reason, custom_data, options, branches, progress) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + switch (dialect) {
          case POSTGRESQL -> " ON CONFLICT (gid) DO NOTHING";
          case MARIADB -> insertMarksExisting
              ? " ON DUPLICATE KEY UPDATE gid = IF(LAST_INSERT_ID(1) = 1, gid, NULL)" : "";
          default -> "";
        };
    txExistsBeforeInsert = dialect == Dialect.MARIADB && !insertMarksExisting
        ? "SELECT 1 FROM " + t.tx() + " WHERE gid = ?" : null;
    String set = "UPDATE " + t.tx() + " SET version = version + 1, status = ?, reason = ?, "
        + "next_due_at = ?, updated_at = ?, progress = ?";
    // created_at too: a record purged and created again under its gid starts at version 1 again,
    // and a write made against the old one must not land on the new one.
    String where = " WHERE gid = ? AND version = ? AND status = ? AND created_at = ?";
    updateTx = set + where;
    updateTxAndBranches = set + ", branches = ?" + where;
    loadOne = "SELECT " + TX_COLUMNS + " FROM " + t.tx() + " t WHERE t.gid = ?";
    lockOne = loadOne + " FOR UPDATE";
    // NOT IN on purpose: no index serves it, so the due index is the one the claim scans (with
    // IN over the active statuses, H2 picks the status index and sorts every active record).
    String due = "next_due_at <= :now AND status NOT IN (" + FINISHED + ")";
    claimCandidates = "SELECT gid, version FROM " + t.tx() + " WHERE " + due
        + " ORDER BY next_due_at LIMIT :limit" + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "");
    String lease = "lease_owner = :owner, lease_epoch = lease_epoch + 1, version = version + 1, "
        + "next_due_at = :until, updated_at = :now";
    claimOne = "UPDATE " + t.tx() + " SET " + lease
        + " WHERE gid = :gid AND version = :version AND " + due;
    // MATERIALIZED: the locking scan runs exactly once, whatever plan the UPDATE gets. RETURNING
    // gives the rows as the claim wrote them, from the latest version it locked.
    claimReturning = "WITH d AS MATERIALIZED (SELECT gid FROM " + t.tx() + " WHERE " + due
        + " ORDER BY next_due_at LIMIT :limit FOR UPDATE SKIP LOCKED) UPDATE " + t.tx() + " t SET "
        + lease + " FROM d WHERE t.gid = d.gid RETURNING " + TX_COLUMNS;
    // Version compare-and-set: parking never overwrites a change made since the record was read.
    park = "UPDATE " + t.tx() + " SET lease_owner = :owner, version = version + 1, "
        + "next_due_at = :until, updated_at = :now WHERE gid = :gid AND version = :version";
    purgeCandidates = "SELECT gid FROM " + t.tx() + " WHERE status IN (" + FINISHED + ") AND "
        + "updated_at < :before AND gid > :after ORDER BY gid LIMIT :limit";
    everyRecord = "SELECT " + TX_COLUMNS + " FROM " + t.tx() + " t";
  }

  Tables tables() {
    return tables;
  }

  /** The records with {@code count} gids bound as {@code ?, ?, ...}. */
  String loadMany(int count) {
    return "SELECT " + TX_COLUMNS + " FROM " + tables.tx() + " t WHERE t.gid IN ("
        + "?, ".repeat(count - 1) + "?) ORDER BY t.gid";
  }

  /** One page of records matching {@code where} (named parameters), in gid order. */
  String page(String where) {
    return "SELECT " + TX_COLUMNS + " FROM " + tables.tx() + " t WHERE " + where
        + " ORDER BY t.gid LIMIT :limit";
  }

  String deleteFinished(int count) {
    return "DELETE FROM " + tables.tx() + " WHERE gid IN (" + params("g", count)
        + ") AND status IN (" + FINISHED + ")";
  }

  /** {@code :p0, :p1, ...}. */
  static String params(String prefix, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? ":" : ", :").append(prefix).append(i);
    }
    return sb.toString();
  }

  private static String statusList() {
    return Arrays.stream(TxStatus.values()).filter(TxStatus::isTerminal)
        .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
  }

  /**
   * Whether a create may be the one insert that reports an existing gid by its generated key
   * ({@link #insertMarksExisting}): on MariaDB/MySQL through MariaDB Connector/J only, whose
   * generated keys are tested. MySQL Connector/J, for one, can answer an existing gid as a new one
   * (with {@code useAffectedRows=true}), so other drivers ask first whether the gid exists.
   */
  static boolean marksExisting(Dialect dialect, String driverName) {
    return dialect == Dialect.MARIADB && driverName != null
        && driverName.startsWith(MARIADB_DRIVER);
  }
}
