package io.jdtm.store.jdbc;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Loads records in one statement each, one row per record: one record, several by gid, or a page
 * of a query. A record whose rows do not parse ({@link Unreadable}) fails a load of it alone, and
 * is left out of the other reads. Thread-safe (stateless apart from the statements).
 */
final class Reads {
  /** Most gids bound in one statement. */
  private static final int CHUNK = 500;

  private final Sql sql;
  private final Unreadables unreadables;

  Reads(Sql sql, Unreadables unreadables) {
    this.sql = sql;
    this.unreadables = unreadables;
  }

  /**
   * The record, if stored: one statement.
   *
   * @throws io.jdtm.JdtmException naming the gid, column and problem when it is unreadable
   */
  Optional<TxRecord> load(Connection c, String gid) throws SQLException {
    Parsed<TxRecord> parsed;
    try (PreparedStatement ps = c.prepareStatement(sql.loadOne)) {
      ps.setString(1, gid);
      try (ResultSet rs = ps.executeQuery()) {
        parsed = Rows.readRecords(rs, sql.tables());
      }
    }
    if (!parsed.unreadable().isEmpty()) {
      throw parsed.unreadable().values().iterator().next().exception();
    }
    return parsed.found().values().stream().findFirst();
  }

  /**
   * The records with these gids that exist, in gid order within chunks of {@link #CHUNK}, and
   * those that are unreadable: one statement per chunk.
   */
  Parsed<TxRecord> loadAll(Connection c, List<String> gids) throws SQLException {
    Parsed<TxRecord> all = new Parsed<>();
    for (int from = 0; from < gids.size(); from += CHUNK) {
      List<String> chunk = gids.subList(from, Math.min(gids.size(), from + CHUNK));
      try (PreparedStatement ps = c.prepareStatement(sql.loadMany(chunk.size()))) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          Parsed<TxRecord> parsed = Rows.readRecords(rs, sql.tables());
          parsed.found().forEach(all::add);
          parsed.unreadable().values().forEach(all::addUnreadable);
        }
      }
    }
    return all;
  }

  /**
   * One page: the filters apply to the record table, scanned in gid order. Unreadable records
   * are reported and left out; they still count towards the page and its cursor, so that paging
   * goes on past them.
   */
  TxPage query(Handle h, TxQuery q) {
    Map<String, Object> binds = new LinkedHashMap<>();
    StringBuilder where = new StringBuilder("1 = 1");
    if (!q.statuses().isEmpty()) {
      where.append(" AND status IN (").append(Sql.params("s", q.statuses().size())).append(')');
      int i = 0;
      for (TxStatus s : q.statuses()) {
        binds.put("s" + i++, s.name());
      }
    }
    if (!q.modes().isEmpty()) {
      where.append(" AND mode IN (").append(Sql.params("m", q.modes().size())).append(')');
      int i = 0;
      for (Mode m : q.modes()) {
        binds.put("m" + i++, m.name());
      }
    }
    if (q.createdFrom() != null) {
      where.append(" AND created_at >= :createdFrom");
      binds.put("createdFrom", Columns.millis(q.createdFrom()));
    }
    if (q.createdTo() != null) {
      where.append(" AND created_at < :createdTo");
      binds.put("createdTo", Columns.millis(q.createdTo()));
    }
    addPrefix(q.gidPrefix(), where, binds);
    if (q.afterGid() != null) {
      where.append(" AND gid > :afterGid");
      binds.put("afterGid", q.afterGid());
    }
    binds.put("limit", q.limit());
    Parsed<TxRecord> parsed = h.createQuery(sql.page(where.toString())).bindMap(binds)
        .scanResultSet((rs, ctx) -> Rows.readRecords(rs.get(), sql.tables()));
    parsed.unreadable().values().forEach(unreadables::skipped);
    return new TxPage(parsed.values(),
        parsed.count() < q.limit() ? Optional.empty() : Optional.of(parsed.last()));
  }

  /**
   * A gid prefix as a key range, {@code prefix <= gid < upper}: exact under the binary
   * collations of the schema, free of LIKE wildcards ({@code %} and {@code _} are literal), and
   * served by the primary key index even with a bound parameter.
   */
  private static void addPrefix(String prefix, StringBuilder where, Map<String, Object> binds) {
    if (prefix == null || prefix.isEmpty()) {
      return;
    }
    where.append(" AND gid >= :prefixFrom");
    binds.put("prefixFrom", prefix);
    upperBound(prefix).ifPresent(upper -> {
      where.append(" AND gid < :prefixTo");
      binds.put("prefixTo", upper);
    });
  }

  /** The least string greater than every string starting with {@code prefix}, if any. */
  static Optional<String> upperBound(String prefix) {
    int i = prefix.length() - 1;
    while (i >= 0 && prefix.charAt(i) == Character.MAX_VALUE) {
      i--;
    }
    if (i < 0) {
      return Optional.empty();
    }
    return Optional.of(prefix.substring(0, i) + (char) (prefix.charAt(i) + 1));
  }
}
