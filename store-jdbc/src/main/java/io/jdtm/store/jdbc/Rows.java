package io.jdtm.store.jdbc;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Reads records from result rows in the column order of {@link Sql#TX_COLUMNS} and {@link
 * Sql#BRANCH_COLUMNS}, and binds records to statements. Enum columns hold the constant's name.
 * Thread-safe (stateless).
 */
final class Rows {
  private Rows() {}

  /**
   * Reads rows of a record joined with its branches (one row per branch, or one row with null
   * branch columns), ordered by gid and then branch order.
   */
  static List<TxRecord> readJoined(ResultSet rs) throws SQLException {
    List<TxRecord> records = new ArrayList<>();
    TxRecord.Builder current = null;
    String currentGid = null;
    List<BranchRecord> branches = new ArrayList<>();
    while (rs.next()) {
      String gid = rs.getString(1);
      if (!gid.equals(currentGid)) {
        if (current != null) {
          records.add(current.branches(branches).build());
        }
        current = readTx(rs);
        currentGid = gid;
        branches = new ArrayList<>();
      }
      if (rs.getString(Sql.TX_COLUMN_COUNT + 1) != null) {
        branches.add(readBranch(rs, Sql.TX_COLUMN_COUNT + 1));
      }
    }
    if (current != null) {
      records.add(current.branches(branches).build());
    }
    return records;
  }

  /** Reads record rows (no branch columns), keyed by gid in row order. */
  static Map<String, TxRecord.Builder> readTxs(ResultSet rs) throws SQLException {
    Map<String, TxRecord.Builder> found = new LinkedHashMap<>();
    while (rs.next()) {
      found.put(rs.getString(1), readTx(rs));
    }
    return found;
  }

  /** Reads rows of {@code gid} followed by branch columns, grouped by gid in row order. */
  static Map<String, List<BranchRecord>> readBranches(ResultSet rs) throws SQLException {
    Map<String, List<BranchRecord>> found = new LinkedHashMap<>();
    while (rs.next()) {
      found.computeIfAbsent(rs.getString(1), g -> new ArrayList<>()).add(readBranch(rs, 2));
    }
    return found;
  }

  private static TxRecord.Builder readTx(ResultSet rs) throws SQLException {
    return TxRecord.builder()
        .gid(rs.getString(1))
        .mode(Mode.valueOf(rs.getString(2)))
        .status(TxStatus.valueOf(rs.getString(3)))
        .version(rs.getLong(4))
        .leaseOwner(rs.getString(5))
        .leaseEpoch(rs.getLong(6))
        .nextDueAt(Columns.instant(rs, 7))
        .createdAt(Columns.instant(rs, 8))
        .updatedAt(Columns.instant(rs, 9))
        .reason(rs.getString(10))
        .customData(rs.getString(11))
        .options(TxOptions.fromWire(rs.getString(12)));
  }

  private static BranchRecord readBranch(ResultSet rs, int at) throws SQLException {
    return new BranchRecord(
        rs.getString(at),
        BranchOp.valueOf(rs.getString(at + 1)),
        rs.getString(at + 2),
        rs.getBytes(at + 3),
        Columns.dependsOn(rs.getString(at + 4)),
        BranchStatus.valueOf(rs.getString(at + 5)),
        rs.getInt(at + 6),
        rs.getInt(at + 7),
        Columns.instant(rs, at + 8),
        rs.getString(at + 9));
  }

  /** Binds the record-table columns of {@code r} (see {@link Sql#insertTx}). */
  static <S extends SqlStatement<S>> S bindTx(S s, TxRecord r) {
    return s.bind("gid", r.gid())
        .bind("mode", r.mode().name())
        .bind("status", r.status().name())
        .bind("version", r.version())
        .bind("leaseOwner", r.leaseOwner())
        .bind("leaseEpoch", r.leaseEpoch())
        .bind("nextDueAt", Columns.millis(r.nextDueAt()))
        .bind("createdAt", Columns.millis(r.createdAt()))
        .bind("updatedAt", Columns.millis(r.updatedAt()))
        .bind("reason", r.reason())
        .bind("customData", r.customData())
        .bind("options", r.options().toWire());
  }

  /** Binds one branch row (see {@link Sql#insertBranch}). */
  static <S extends SqlStatement<S>> S bindBranch(S s, String gid, long ord, BranchRecord b) {
    return s.bind("gid", gid)
        .bind("branchId", b.branchId())
        .bind("op", b.op().name())
        .bind("ord", ord)
        .bind("target", b.target())
        .bind("payload", b.payload())
        .bind("dependsOn", Columns.dependsOn(b.dependsOn()))
        .bind("status", b.status().name())
        .bind("attempts", b.attempts())
        .bind("backoffLevel", b.backoffLevel())
        .bind("retryAt", Columns.millis(b.retryAt()))
        .bind("lastError", b.lastError());
  }
}
