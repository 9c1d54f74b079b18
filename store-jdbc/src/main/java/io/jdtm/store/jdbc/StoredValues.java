package io.jdtm.store.jdbc;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.Names;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Parses one record row or branch row (columns of {@link Sql#TX_COLUMNS}, {@link
 * Sql#BRANCH_COLUMNS}), checking every value that jdtm itself would never have written: a value
 * that does not parse throws {@link BadValue} naming the column and what is wrong, never the
 * payload. Thread-safe (stateless).
 */
final class StoredValues {
  private StoredValues() {}

  static TxRecord.Builder readTx(ResultSet rs) throws SQLException {
    return TxRecord.builder()
        .gid(rs.getString(1))
        .mode(enumValue(Mode.class, "mode", rs.getString(2)))
        .status(enumValue(TxStatus.class, "status", rs.getString(3)))
        .version(atLeast("version", rs.getLong(4), 1))
        .leaseOwner(rs.getString(5))
        .leaseEpoch(atLeast("lease_epoch", rs.getLong(6), 0))
        .nextDueAt(Columns.instant(rs, 7))
        .createdAt(required("created_at", Columns.instant(rs, 8)))
        .updatedAt(required("updated_at", Columns.instant(rs, 9)))
        .reason(rs.getString(10))
        .customData(rs.getString(11))
        .options(options(rs.getString(12)));
  }

  static BranchRecord readBranch(ResultSet rs, int at) throws SQLException {
    String branchId = rs.getString(at);
    try {
      return new BranchRecord(
          branchId,
          enumValue(BranchOp.class, "op", rs.getString(at + 1)),
          required("target", rs.getString(at + 2)),
          required("payload", rs.getBytes(at + 3)),
          Columns.dependsOn(rs.getString(at + 4)),
          enumValue(BranchStatus.class, "status", rs.getString(at + 5)),
          notNegative("attempts", rs.getInt(at + 6)),
          notNegative("backoff_level", rs.getInt(at + 7)),
          Columns.instant(rs, at + 8),
          rs.getString(at + 9));
    } catch (BadValue e) {
      throw e.inBranch(branchId);
    } catch (RuntimeException e) {
      throw new BadValue("*", "does not make a branch: " + e).inBranch(branchId);
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String column, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(value)) {
        return e;
      }
    }
    throw new BadValue(column, "holds " + Names.quote(value) + ", not one of "
        + Arrays.toString(type.getEnumConstants()));
  }

  private static TxOptions options(String wire) {
    try {
      return TxOptions.fromWire(wire);
    } catch (RuntimeException e) {
      throw new BadValue("options", "holds " + Names.quote(wire)
          + ", not transaction options (t=...;r=...;l=...;q=...;c=...)");
    }
  }

  private static <T> T required(String column, T value) {
    if (value == null) {
      throw new BadValue(column, "is null");
    }
    return value;
  }

  /** A record starts at version 1 and epoch 0, and both only grow. */
  private static long atLeast(String column, long value, long min) {
    if (value < min) {
      throw new BadValue(column, "holds " + value + "; it must be at least " + min);
    }
    return value;
  }

  private static int notNegative(String column, int value) {
    if (value < 0) {
      throw new BadValue(column, "holds " + value + "; it must not be negative");
    }
    return value;
  }

  /**
   * A stored value that does not parse, in the record row or (once {@link #inBranch}) in a branch
   * row. Has no stack trace: {@link Rows} turns it into an {@link Unreadable}.
   */
  static final class BadValue extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String column;
    private final String problem;
    private final String branchId;

    BadValue(String column, String problem) {
      this(column, problem, null);
    }

    private BadValue(String column, String problem, String branchId) {
      super(column + " " + problem, null, false, false);
      this.column = column;
      this.problem = problem;
      this.branchId = branchId;
    }

    BadValue inBranch(String id) {
      return new BadValue(column, problem, id == null ? "" : id);
    }

    Unreadable at(String gid, long version, Tables t) {
      String where = branchId == null ? t.tx() + "." + column
          : t.branch() + "." + column + " of branch " + Names.quote(branchId);
      return new Unreadable(gid, version, where, problem);
    }
  }
}
