package io.jdtm.it.xa;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import javax.sql.XADataSource;

/**
 * A database the XA cases run against: the {@link XADataSource} a manager registers, a plain
 * {@link DataSource} for the test's own setup and assertions, and the database's own list of
 * prepared (in-doubt) XA transactions. Implementations reach their server lazily, when a test
 * first asks for a data source, so a missing server skips (or, with {@code CI=true}, fails) the
 * tests of that database only. Implementations are thread-safe.
 */
interface XaDatabase {
  /** jdtm's XA format id: the ASCII bytes of {@code jdtm}. */
  int JDTM_FORMAT_ID = 0x6A64746D;

  /** A short name for test reports. */
  String name();

  /** The XA data source a manager registers. */
  XADataSource xaDataSource();

  /** A plain data source on the same database (auto-commit connections). */
  DataSource dataSource();

  /**
   * The prepared XA transactions of jdtm's format the database holds, read with the database's
   * own SQL (not through jdtm), each as its Xid's readable text {@code <branchId>/<gid>}.
   */
  List<String> inDoubt() throws SQLException;

  /**
   * What a crash of the process that halted a manager does to its database sessions, beyond
   * closing them (which {@code halt()} does): nothing for a database server; an embedded H2
   * database dies with the process, and leaves its prepared branches in doubt.
   */
  default void crashClients() throws SQLException {}

  /**
   * A jdtm Xid as {@code <branch>/<gid>}: its global id is the gid's first 64 characters, its
   * qualifier {@code <branch>/<rest of the gid>}.
   */
  static String branchAndGid(String gtrid, String bqual) {
    int slash = bqual.indexOf('/');
    return slash < 0 ? gtrid + bqual
        : bqual.substring(0, slash) + "/" + gtrid + bqual.substring(slash + 1);
  }

  /** The databases the XA cases run against. */
  static List<XaDatabase> all() {
    return List.of(MariaDbXa.SHARED, PostgresXa.SHARED, H2Xa.SHARED);
  }
}
