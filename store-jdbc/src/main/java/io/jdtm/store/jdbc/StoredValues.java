package io.jdtm.store.jdbc;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.Names;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Parses one record row (columns of {@link Sql#TX_COLUMNS}), checking every value that jdtm itself
 * would never have written: a value that does not parse throws {@link BadValue} naming the column
 * and what is wrong, never the payloads. Thread-safe (stateless).
 */
final class StoredValues {
  private StoredValues() {}

  /** The record in a row of {@link Sql#TX_COLUMNS}. */
  static TxRecord readRecord(ResultSet rs) throws SQLException {
    TxRecord.Builder b = TxRecord.builder()
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
    return b.branches(BranchCodec.read(rs.getBytes(13), rs.getBytes(14))).build();
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

  /**
   * A stored value that does not parse, naming its column of the record table. Has no stack
   * trace: {@link Rows} turns it into an {@link Unreadable}.
   */
  static final class BadValue extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String column;
    private final String problem;

    BadValue(String column, String problem) {
      super(column + " " + problem, null, false, false);
      this.column = column;
      this.problem = problem;
    }

    Unreadable at(String gid, long version, Tables t) {
      return new Unreadable(gid, version, t.tx() + "." + column, problem);
    }
  }
}
