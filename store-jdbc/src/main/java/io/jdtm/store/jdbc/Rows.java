package io.jdtm.store.jdbc;

import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Reads records from result rows in the column order of {@link Sql#TX_COLUMNS} and {@link
 * Sql#BRANCH_COLUMNS}, and binds records to statements. Enum columns hold the constant's name.
 * A record whose rows hold a value that does not parse is read as {@link Unreadable} (naming the
 * column), never as an exception, so that one corrupt row cannot fail a read of many.
 * Thread-safe (stateless).
 */
final class Rows {
  private Rows() {}

  /**
   * Reads rows of a record joined with its branches (one row per branch, or one row with null
   * branch columns), ordered by gid and then branch order.
   */
  static Parsed<TxRecord> readJoined(ResultSet rs, Tables t) throws SQLException {
    Parsed<TxRecord> parsed = new Parsed<>();
    Joined current = null;
    while (rs.next()) {
      String gid = rs.getString(1);
      if (current == null || !current.gid.equals(gid)) {
        if (current != null) {
          current.addTo(parsed);
        }
        current = new Joined(gid, rs.getLong(4), t);
        current.readTx(rs);
      }
      current.readBranch(rs);
    }
    if (current != null) {
      current.addTo(parsed);
    }
    return parsed;
  }

  /** Reads record rows (no branch columns) as records without branches, in row order. */
  static Parsed<TxRecord> readTxs(ResultSet rs, Tables t) throws SQLException {
    Parsed<TxRecord> parsed = new Parsed<>();
    while (rs.next()) {
      Joined one = new Joined(rs.getString(1), rs.getLong(4), t);
      one.readTx(rs);
      one.addTo(parsed);
    }
    return parsed;
  }

  /**
   * Reads rows of {@code gid} followed by branch columns, grouped by gid in row order; {@code
   * owners} holds the record of each gid (for the version of one found unreadable).
   */
  static Parsed<List<BranchRecord>> readBranches(ResultSet rs, Tables t,
      Map<String, TxRecord> owners) throws SQLException {
    Parsed<List<BranchRecord>> parsed = new Parsed<>();
    while (rs.next()) {
      String gid = rs.getString(1);
      if (parsed.unreadable().containsKey(gid)) {
        continue;
      }
      try {
        BranchRecord b = StoredValues.readBranch(rs, 2);
        parsed.found().computeIfAbsent(gid, g -> new ArrayList<>()).add(b);
      } catch (StoredValues.BadValue e) {
        long version = owners.containsKey(gid) ? owners.get(gid).version() : -1;
        parsed.addUnreadable(e.at(gid, version, t));
      }
    }
    return parsed;
  }

  /** One record's rows as they are read: its record row, then its branch rows. */
  private static final class Joined {
    private final String gid;
    private final long version;
    private final Tables tables;
    private final List<BranchRecord> branches = new ArrayList<>();
    private TxRecord.Builder tx;
    private Unreadable unreadable;

    Joined(String gid, long version, Tables tables) {
      this.gid = gid;
      this.version = version;
      this.tables = tables;
    }

    void readTx(ResultSet rs) throws SQLException {
      try {
        tx = StoredValues.readTx(rs);
      } catch (StoredValues.BadValue e) {
        unreadable = e.at(gid, version, tables);
      }
    }

    void readBranch(ResultSet rs) throws SQLException {
      if (unreadable != null || rs.getString(Sql.TX_COLUMN_COUNT + 1) == null) {
        return;
      }
      try {
        branches.add(StoredValues.readBranch(rs, Sql.TX_COLUMN_COUNT + 1));
      } catch (StoredValues.BadValue e) {
        unreadable = e.at(gid, version, tables);
      }
    }

    void addTo(Parsed<TxRecord> parsed) {
      if (unreadable == null) {
        try {
          parsed.add(gid, tx.branches(branches).build());
          return;
        } catch (RuntimeException e) {
          unreadable = new StoredValues.BadValue("*", "does not make a record: " + e)
              .at(gid, version, tables);
        }
      }
      parsed.addUnreadable(unreadable);
    }
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
