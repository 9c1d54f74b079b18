package io.jdtm.store.jdbc;

import io.jdtm.spi.TxRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Reads records from result rows in the column order of {@link Sql#TX_COLUMNS}, and binds records
 * to {@link Sql#insertTx}. Enum columns hold the constant's name; the branch columns are {@link
 * BranchCodec} values. A row holding a value that does not parse is read as {@link Unreadable}
 * (naming the column), never as an exception, so that one corrupt row cannot fail a read of many.
 * Thread-safe (stateless).
 */
final class Rows {
  private Rows() {}

  /** Reads every row as one record, in row order. */
  static Parsed<TxRecord> readRecords(ResultSet rs, Tables t) throws SQLException {
    Parsed<TxRecord> parsed = new Parsed<>();
    while (rs.next()) {
      String gid = rs.getString(1);
      try {
        parsed.add(gid, StoredValues.readRecord(rs));
      } catch (StoredValues.BadValue e) {
        parsed.addUnreadable(e.at(gid, rs.getLong(4), t));
      } catch (RuntimeException e) {
        parsed.addUnreadable(new StoredValues.BadValue("*", "does not make a record: " + e)
            .at(gid, rs.getLong(4), t));
      }
    }
    return parsed;
  }

  /** Binds every column of {@code r} to {@link Sql#insertTx}. */
  static void bindInsert(PreparedStatement ps, TxRecord r) throws SQLException {
    ps.setString(1, r.gid());
    ps.setString(2, r.mode().name());
    ps.setString(3, r.status().name());
    ps.setLong(4, r.version());
    setText(ps, 5, r.leaseOwner());
    ps.setLong(6, r.leaseEpoch());
    setMillis(ps, 7, r.nextDueAt());
    setMillis(ps, 8, r.createdAt());
    setMillis(ps, 9, r.updatedAt());
    setText(ps, 10, r.reason());
    setText(ps, 11, r.customData());
    ps.setString(12, r.options().toWire());
    ps.setBytes(13, BranchCodec.branches(r.branches()));
    ps.setBytes(14, BranchCodec.progress(r.branches()));
  }

  static void setText(PreparedStatement ps, int i, String value) throws SQLException {
    if (value == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, value);
    }
  }

  static void setMillis(PreparedStatement ps, int i, Instant value) throws SQLException {
    if (value == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, value.toEpochMilli());
    }
  }
}
