package io.jdtm.store.jdbc;

import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.BranchUpdate;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Inserts records and applies compare-and-set updates, inside a transaction the caller opened.
 * An update writes the record row and only the branch rows it names: payloads are never
 * rewritten. Thread-safe (stateless apart from the statements).
 */
final class Writes {
  /**
   * Branch order: a record's first branches get 0, 1, 2...; branches added by the update accepted
   * at version v get {@code (v + 1) * ORDER_STRIDE + i}. Versions only grow and one version is
   * accepted once, so later registrations sort after earlier ones without reading anything.
   */
  static final long ORDER_STRIDE = 1_000_000;

  private final Sql sql;

  Writes(Sql sql) {
    this.sql = sql;
  }

  /**
   * Inserts {@code r} and its branches.
   *
   * @return false, having written nothing, when a record with its gid exists
   */
  boolean insert(Handle h, TxRecord r) throws SQLException {
    checkCount(r.gid(), r.branches().size());
    if (exists(h, r.gid())) {
      return false;
    }
    int rows;
    try {
      rows = Rows.bindTx(h.createUpdate(sql.insertTx), r).execute();
    } catch (UnableToExecuteStatementException e) {
      if (SqlErrors.find(e).filter(SqlErrors::isDuplicateKey).isPresent()) {
        return false;
      }
      throw e;
    }
    if (rows == 0) {
      return false;
    }
    insertBranches(h, List.of(new Added(r.gid(), 0, r.branches())));
    return true;
  }

  /** Whether {@code gid} is stored, where the dialect asks before inserting (see Sql). */
  private boolean exists(Handle h, String gid) {
    return sql.txExistsBeforeInsert != null && h.createQuery(sql.txExistsBeforeInsert)
        .bind("gid", gid).mapTo(Integer.class).findOne().isPresent();
  }

  /**
   * Applies each update under its own compare-and-set (on the version, and on a status that
   * accepts the change), in gid order so that concurrent batches lock rows in the same order; one
   * round trip per kind of statement.
   *
   * @return per update, in the given order, whether it was applied
   */
  List<Boolean> apply(Handle h, List<TxUpdate> updates) throws SQLException {
    Integer[] order = new Integer[updates.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparing(i -> updates.get(i).gid()));
    List<TxUpdate> sorted = Arrays.stream(order).map(updates::get).toList();
    int[] counts = updateRecords(h, sorted);
    Boolean[] results = new Boolean[updates.size()];
    List<TxUpdate> applied = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      results[order[i]] = counts[i] == 1;
      if (counts[i] == 1) {
        applied.add(sorted.get(i));
      }
    }
    updateBranches(h, applied);
    List<Added> added = new ArrayList<>();
    for (TxUpdate u : applied) {
      if (!u.addedBranches().isEmpty()) {
        checkCount(u.gid(), u.addedBranches().size());
        added.add(new Added(u.gid(), (u.expectedVersion() + 1) * ORDER_STRIDE, u.addedBranches()));
      }
    }
    insertBranches(h, added);
    return Arrays.asList(results);
  }

  private int[] updateRecords(Handle h, List<TxUpdate> updates) {
    PreparedBatch batch = h.prepareBatch(sql.updateTx);
    for (TxUpdate u : updates) {
      List<String> from = Sql.accepting(u.status(), !u.addedBranches().isEmpty());
      for (int i = 0; i < from.size(); i++) {
        batch.bind("from" + i, from.get(i));
      }
      batch.bind("status", u.status() == null ? null : u.status().name())
          .bind("reason", u.reason())
          .bind("nextDueAt", Columns.millis(u.nextDueAt()))
          .bind("updatedAt", Columns.millis(u.updatedAt()))
          .bind("gid", u.gid())
          .bind("expectedVersion", u.expectedVersion())
          .add();
    }
    return exactCounts(batch.execute());
  }

  private void updateBranches(Handle h, List<TxUpdate> applied) {
    PreparedBatch batch = h.prepareBatch(sql.updateBranch);
    for (TxUpdate u : applied) {
      for (BranchUpdate b : u.branchUpdates()) {
        batch.bind("status", b.status().name())
            .bind("attempts", b.attempts())
            .bind("backoffLevel", b.backoffLevel())
            .bind("retryAt", Columns.millis(b.retryAt()))
            .bind("lastError", b.lastError())
            .bind("gid", u.gid())
            .bind("branchId", b.branchId())
            .bind("op", b.op().name())
            .add();
      }
    }
    if (batch.size() == 0) {
      return;
    }
    int[] counts = exactCounts(batch.execute());
    int i = 0;
    for (TxUpdate u : applied) {
      for (BranchUpdate b : u.branchUpdates()) {
        if (counts[i++] != 1 && !branchExists(h, u.gid(), b)) {
          throw new IllegalArgumentException("gid " + u.gid() + " has no branch " + b.branchId()
              + "/" + b.op().wireName() + "; the batch was rolled back");
        }
      }
    }
  }

  /**
   * Whether the branch row exists: a count of 0 can also mean "unchanged" on MariaDB with {@code
   * useAffectedRows=true}.
   */
  private boolean branchExists(Handle h, String gid, BranchUpdate b) {
    return h.createQuery(sql.branchExists).bind("gid", gid).bind("branchId", b.branchId())
        .bind("op", b.op().name()).mapTo(Integer.class).findOne().isPresent();
  }

  /** Branches to insert for one record, ordered from {@code firstOrder}. */
  private record Added(String gid, long firstOrder, List<BranchRecord> branches) {}

  private void insertBranches(Handle h, List<Added> added) {
    if (added.stream().allMatch(a -> a.branches().isEmpty())) {
      return;
    }
    PreparedBatch batch = h.prepareBatch(sql.insertBranch);
    for (Added a : added) {
      for (int i = 0; i < a.branches().size(); i++) {
        Rows.bindBranch(batch, a.gid(), a.firstOrder() + i, a.branches().get(i)).add();
      }
    }
    try {
      batch.execute();
    } catch (UnableToExecuteStatementException e) {
      if (SqlErrors.find(e).filter(SqlErrors::isDuplicateKey).isPresent()) {
        throw new IllegalArgumentException("a branch op added to " + added.get(0).gid()
            + (added.size() > 1 ? " or another record of the batch" : "")
            + " exists already; the batch was rolled back", e);
      }
      throw e;
    }
  }

  private static void checkCount(String gid, int branches) {
    if (branches >= ORDER_STRIDE) {
      throw new IllegalArgumentException("gid " + gid + ": " + branches
          + " branch ops in one write; at most " + (ORDER_STRIDE - 1) + " are supported");
    }
  }

  /** Compare-and-set needs a count per statement; some driver settings report none. */
  static int[] exactCounts(int[] counts) {
    if (Arrays.stream(counts).anyMatch(c -> c == Statement.SUCCESS_NO_INFO)) {
      throw new IllegalStateException("the JDBC driver reported no row count per batched "
          + "statement, which compare-and-set needs (MariaDB: remove useBulkStmts=true from the "
          + "connection settings)");
    }
    return counts;
  }
}
