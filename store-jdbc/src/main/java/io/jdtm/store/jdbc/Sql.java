package io.jdtm.store.jdbc;

import io.jdtm.TxStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every statement the store runs, built once from validated table names. Parameters are named
 * ({@code :name}); times are epoch milliseconds. Immutable and thread-safe.
 */
final class Sql {
  static final String TX_COLUMNS = "t.gid, t.mode, t.status, t.version, t.lease_owner, "
      + "t.lease_epoch, t.next_due_at, t.created_at, t.updated_at, t.reason, t.custom_data, "
      + "t.options";
  static final int TX_COLUMN_COUNT = 12;
  static final String BRANCH_COLUMNS = "b.branch_id, b.op, b.target, b.payload, b.depends_on, "
      + "b.status, b.attempts, b.backoff_level, b.retry_at, b.last_error";
  /** Same text as the PostgreSQL partial index predicate, so the planner can use that index. */
  static final String FINISHED = statusList();
  /** How many statuses {@link #updateTx} binds as those the record may be in: the active ones. */
  static final int ACCEPTING_COUNT =
      (int) Arrays.stream(TxStatus.values()).filter(s -> !s.isTerminal()).count();

  final String insertTx;
  /**
   * Whether a record exists, asked before inserting it; {@code null} where the insert itself
   * skips an existing gid without an error (PostgreSQL) or a duplicate-key error is not logged
   * (H2). MariaDB's driver logs every error the server returns as a WARN, so on the documented
   * idempotent path (submitting or preparing a gid again) the insert is not even tried; a
   * concurrent insert of the same gid can still lose with a duplicate-key error.
   */
  final String txExistsBeforeInsert;
  final String insertBranch;
  final String updateTx;
  final String updateBranch;
  final String branchExists;
  final String loadOne;
  final String claimCandidates;
  final String claimOne;
  final String claimReturning;
  final String park;
  final String branchesOfAny;
  final String purgeCandidates;
  private final Tables tables;

  Sql(Dialect dialect, Tables t, boolean skipLocked) {
    this.tables = t;
    insertTx = "INSERT INTO " + t.tx() + " (gid, mode, status, version, lease_owner, lease_epoch, "
        + "next_due_at, created_at, updated_at, reason, custom_data, options) VALUES (:gid, :mode, "
        + ":status, :version, :leaseOwner, :leaseEpoch, :nextDueAt, :createdAt, :updatedAt, "
        + ":reason, :customData, :options)"
        + (dialect == Dialect.POSTGRESQL ? " ON CONFLICT (gid) DO NOTHING" : "");
    txExistsBeforeInsert = dialect == Dialect.MARIADB
        ? "SELECT 1 FROM " + t.tx() + " WHERE gid = :gid" : null;
    insertBranch = "INSERT INTO " + t.branch() + " (gid, branch_id, op, ord, target, payload, "
        + "depends_on, status, attempts, backoff_level, retry_at, last_error) VALUES (:gid, "
        + ":branchId, :op, :ord, :target, :payload, :dependsOn, :status, :attempts, "
        + ":backoffLevel, :retryAt, :lastError)";
    updateTx = "UPDATE " + t.tx() + " SET version = version + 1, "
        + "status = COALESCE(:status, status), reason = COALESCE(:reason, reason), "
        + "next_due_at = :nextDueAt, updated_at = :updatedAt "
        + "WHERE gid = :gid AND version = :expectedVersion AND status IN ("
        + params("from", ACCEPTING_COUNT) + ")";
    updateBranch = "UPDATE " + t.branch() + " SET status = :status, attempts = :attempts, "
        + "backoff_level = :backoffLevel, retry_at = :retryAt, last_error = :lastError "
        + "WHERE gid = :gid AND branch_id = :branchId AND op = :op";
    branchExists = "SELECT 1 FROM " + t.branch()
        + " WHERE gid = :gid AND branch_id = :branchId AND op = :op";
    loadOne = "SELECT " + TX_COLUMNS + ", " + BRANCH_COLUMNS + " FROM " + t.tx() + " t LEFT JOIN "
        + t.branch() + " b ON b.gid = t.gid WHERE t.gid = :gid ORDER BY b.ord";
    // NOT IN on purpose: no index serves it, so the due index is the one the claim scans (with
    // IN over the active statuses, H2 picks the status index and sorts every active record).
    String due = "next_due_at <= :now AND status NOT IN (" + FINISHED + ")";
    claimCandidates = "SELECT gid, version FROM " + t.tx() + " WHERE " + due
        + " ORDER BY next_due_at LIMIT :limit" + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "");
    String lease = "lease_owner = :owner, lease_epoch = lease_epoch + 1, version = version + 1, "
        + "next_due_at = :until, updated_at = :now";
    claimOne = "UPDATE " + t.tx() + " SET " + lease
        + " WHERE gid = :gid AND version = :version AND " + due;
    // MATERIALIZED: the locking scan runs exactly once, whatever plan the UPDATE gets.
    claimReturning = "WITH d AS MATERIALIZED (SELECT gid FROM " + t.tx() + " WHERE " + due
        + " ORDER BY next_due_at LIMIT :limit FOR UPDATE SKIP LOCKED) UPDATE " + t.tx() + " t SET "
        + lease + " FROM d WHERE t.gid = d.gid RETURNING " + TX_COLUMNS;
    // Version compare-and-set: parking never overwrites a change made since the record was read.
    park = "UPDATE " + t.tx() + " SET lease_owner = :owner, version = version + 1, "
        + "next_due_at = :until, updated_at = :now WHERE gid = :gid AND version = :version";
    branchesOfAny = "SELECT b.gid, " + BRANCH_COLUMNS + " FROM " + t.branch()
        + " b WHERE b.gid = ANY(:gids) ORDER BY b.gid, b.ord";
    purgeCandidates = "SELECT gid FROM " + t.tx() + " WHERE status IN (" + FINISHED + ") AND "
        + "updated_at < :before AND gid > :after ORDER BY gid LIMIT :limit";
  }

  Tables tables() {
    return tables;
  }

  /** Joined rows of the records with the given gids, bound as {@code :g0, :g1, ...}. */
  String loadMany(int count) {
    return "SELECT " + TX_COLUMNS + ", " + BRANCH_COLUMNS + " FROM " + tables.tx() + " t LEFT JOIN "
        + tables.branch() + " b ON b.gid = t.gid WHERE t.gid IN (" + params("g", count)
        + ") ORDER BY t.gid, b.ord";
  }

  /** Joined rows of one page of records matching {@code where} (on the record table). */
  String page(String where) {
    return "SELECT " + TX_COLUMNS + ", " + BRANCH_COLUMNS + " FROM (SELECT * FROM " + tables.tx()
        + " WHERE " + where + " ORDER BY gid LIMIT :limit) t LEFT JOIN " + tables.branch()
        + " b ON b.gid = t.gid ORDER BY t.gid, b.ord";
  }

  String deleteBranches(int count) {
    return "DELETE FROM " + tables.branch() + " WHERE gid IN (" + params("g", count) + ")";
  }

  String deleteFinished(int count) {
    return "DELETE FROM " + tables.tx() + " WHERE gid IN (" + params("g", count)
        + ") AND status IN (" + FINISHED + ")";
  }

  /** Branch rows whose record is missing (none, in a consistent store). */
  String orphanBranches() {
    return "SELECT COUNT(*) FROM " + tables.branch() + " b WHERE NOT EXISTS (SELECT 1 FROM "
        + tables.tx() + " t WHERE t.gid = b.gid)";
  }

  /** {@code :p0, :p1, ...}. */
  static String params(String prefix, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? ":" : ", :").append(prefix).append(i);
    }
    return sb.toString();
  }

  /**
   * The stored statuses from which {@link io.jdtm.spi.TxRecord#accepts} lets a record move to
   * {@code next} ({@code null}: keep the status), only PREPARED when the update {@code
   * addsBranches}, repeated up to {@link #ACCEPTING_COUNT} values for {@code :from0, :from1,
   * ...}: every update of a batch runs one statement text, and a terminal record matches none of
   * them.
   */
  static List<String> accepting(TxStatus next, boolean addsBranches) {
    List<String> from = new ArrayList<>(ACCEPTING_COUNT);
    for (TxStatus s : TxStatus.values()) {
      if (!s.isTerminal() && (next == null || s == next || s.canReach(next))
          && (!addsBranches || s == TxStatus.PREPARED)) {
        from.add(s.name());
      }
    }
    while (from.size() < ACCEPTING_COUNT) {
      from.add(from.isEmpty() ? null : from.get(0)); // IN (NULL, ...) matches no row
    }
    return from;
  }

  private static String statusList() {
    return Arrays.stream(TxStatus.values()).filter(TxStatus::isTerminal)
        .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
  }
}
