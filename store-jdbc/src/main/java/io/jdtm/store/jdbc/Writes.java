package io.jdtm.store.jdbc;

import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Inserts records and applies compare-and-set updates on plain JDBC. A record is one row; an
 * update computes the whole new record in Java and writes it with one {@code UPDATE} whose {@code
 * WHERE} compares gid, version and status, so the stored record is the one the new record was
 * computed from. That record is the update's {@link TxUpdate#base() base} when it has one; else
 * (or when the base does not take the update) it is read and locked first, in the transaction
 * the caller opened. Thread-safe (stateless apart from the statements).
 */
final class Writes {
  private final Sql sql;
  private final Tables tables;

  Writes(Sql sql) {
    this.sql = sql;
    this.tables = sql.tables();
  }

  /**
   * Inserts {@code r} in one statement.
   *
   * @return false, having written nothing, when a record with its gid exists (see Sql)
   */
  boolean insert(Connection c, TxRecord r) throws SQLException {
    if (sql.txExistsBeforeInsert != null) {
      try (PreparedStatement ps = c.prepareStatement(sql.txExistsBeforeInsert)) {
        ps.setString(1, r.gid());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
    }
    if (sql.insertMarksExisting) {
      try (PreparedStatement ps =
          c.prepareStatement(sql.insertTx, Statement.RETURN_GENERATED_KEYS)) {
        Rows.bindInsert(ps, r);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          return !keys.next();
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(sql.insertTx)) {
      Rows.bindInsert(ps, r);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (SqlErrors.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * One update's write, computed from the stored record it expects: the new record, and the
   * status the stored one must still have.
   */
  record Planned(TxUpdate update, String storedStatus, TxRecord next) {
    boolean addsBranches() {
      return !update.addedBranches().isEmpty();
    }
  }

  /**
   * The write of {@code u} computed from its base, before any statement runs; empty when it has
   * no base or the base does not take it (the record must then be read: a stale base may be
   * behind the cause). A rejection needs no statement: {@link #rejected(TxUpdate)}.
   */
  static Optional<Planned> planFromBase(TxUpdate u) {
    Optional<TxRecord> base = u.base();
    if (base.isEmpty() || base.get().version() != u.expectedVersion()
        || !base.get().gid().equals(u.gid())) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(plan(base.get(), u));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A planned write that is known to be rejected (the base does not accept the update). */
  static boolean rejected(TxUpdate u) {
    return u.base().isPresent() && u.base().get().version() == u.expectedVersion()
        && !u.base().get().accepts(u);
  }

  /**
   * The write of {@code u} to {@code stored}, or {@code null} when the compare-and-set rejects it.
   *
   * @throws IllegalArgumentException when it names a missing branch op or adds one that exists
   * @throws io.jdtm.IllegalTransitionException when it moves a finished branch op
   */
  private static Planned plan(TxRecord stored, TxUpdate u) {
    if (stored.version() != u.expectedVersion() || !stored.accepts(u)) {
      return null;
    }
    if (!u.addedBranches().isEmpty()) {
      Set<String> ids = new HashSet<>();
      for (BranchRecord b : stored.branches()) {
        ids.add(b.branchId() + "/" + b.op().wireName());
      }
      for (BranchRecord b : u.addedBranches()) {
        if (!ids.add(b.branchId() + "/" + b.op().wireName())) {
          throw new IllegalArgumentException("branch op " + b.branchId() + "/"
              + b.op().wireName() + " added to " + u.gid() + " exists already");
        }
      }
    }
    return new Planned(u, stored.status().name(), stored.applying(u));
  }

  /**
   * Writes one update planned from its base: one statement.
   *
   * @return whether it was applied
   */
  boolean write(Connection c, Planned p) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        p.addsBranches() ? sql.updateTxAndBranches : sql.updateTx)) {
      bindUpdate(ps, p);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Applies each update under its own compare-and-set, in gid order so that concurrent batches
   * lock rows in the same order: updates whose base does not take them read (and lock) their
   * record first; then every write goes in one JDBC batch. Run in one transaction: an update
   * naming a missing branch op throws before anything is written, and the caller rolls back the
   * reads' locks.
   *
   * @return per update, in the given order, whether it was applied
   * @throws IllegalArgumentException when an update names a branch op its record does not have
   */
  List<Boolean> apply(Connection c, List<TxUpdate> updates) throws SQLException {
    Integer[] order = new Integer[updates.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparing(i -> updates.get(i).gid()));
    Boolean[] results = new Boolean[updates.size()];
    List<Planned> planned = new ArrayList<>(updates.size());
    List<Integer> at = new ArrayList<>(updates.size());
    for (Integer i : order) {
      TxUpdate u = updates.get(i);
      Planned p;
      if (rejected(u)) {
        p = null;
      } else {
        Optional<Planned> fromBase = planFromBase(u);
        p = fromBase.isPresent() ? fromBase.get() : planFromStored(c, u);
      }
      if (p == null) {
        results[i] = false;
      } else {
        planned.add(p);
        at.add(i);
      }
    }
    int[] counts = writeAll(c, planned);
    for (int k = 0; k < counts.length; k++) {
      results[at.get(k)] = counts[k] == 1;
    }
    return Arrays.asList(results);
  }

  /** Reads and locks the stored record, and plans the write on it; null when rejected. */
  private Planned planFromStored(Connection c, TxUpdate u) throws SQLException {
    Parsed<TxRecord> stored;
    try (PreparedStatement ps = c.prepareStatement(sql.lockOne)) {
      ps.setString(1, u.gid());
      try (ResultSet rs = ps.executeQuery()) {
        stored = Rows.readRecords(rs, tables);
      }
    }
    TxRecord r = stored.found().get(u.gid());
    if (r == null) {
      return null; // missing, or unreadable: load tells which
    }
    try {
      return plan(r, u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "; the batch was rolled back", e);
    }
  }

  private int[] writeAll(Connection c, List<Planned> planned) throws SQLException {
    if (planned.isEmpty()) {
      return new int[0];
    }
    boolean mixed = planned.stream().anyMatch(Planned::addsBranches)
        && !planned.stream().allMatch(Planned::addsBranches);
    if (planned.size() == 1 || mixed) {
      int[] counts = new int[planned.size()];
      for (int k = 0; k < counts.length; k++) {
        counts[k] = write(c, planned.get(k)) ? 1 : 0;
      }
      return counts;
    }
    try (PreparedStatement ps = c.prepareStatement(
        planned.get(0).addsBranches() ? sql.updateTxAndBranches : sql.updateTx)) {
      for (Planned p : planned) {
        bindUpdate(ps, p);
        ps.addBatch();
      }
      return exactCounts(ps.executeBatch());
    }
  }

  private static void bindUpdate(PreparedStatement ps, Planned p) throws SQLException {
    TxRecord next = p.next();
    ps.setString(1, next.status().name());
    Rows.setText(ps, 2, next.reason());
    Rows.setMillis(ps, 3, next.nextDueAt());
    Rows.setMillis(ps, 4, next.updatedAt());
    ps.setBytes(5, BranchCodec.progress(next.branches()));
    int i = 6;
    if (p.addsBranches()) {
      ps.setBytes(i++, BranchCodec.branches(next.branches()));
    }
    ps.setString(i++, next.gid());
    ps.setLong(i++, p.update().expectedVersion());
    ps.setString(i++, p.storedStatus());
    ps.setLong(i, next.createdAt().toEpochMilli());
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
