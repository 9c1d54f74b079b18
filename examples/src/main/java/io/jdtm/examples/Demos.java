package io.jdtm.examples;

import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/** Settings and steps shared by the examples. */
final class Demos {
  /** The embedded default store: an H2 file under ./data, schema created on first use. */
  static final String DEFAULT_STORE = "jdbc:h2:./data/jdtm#jdtm.createSchema=true";

  private Demos() {}

  /** Where the demo banks keep their accounts: the same H2 database, or an in-memory one. */
  static String bankUrl(String storeUri) {
    int fragment = storeUri.indexOf('#');
    String url = fragment < 0 ? storeUri : storeUri.substring(0, fragment);
    return url.startsWith("jdbc:h2:") ? url : "jdbc:h2:mem:demo-bank;DB_CLOSE_DELAY=-1";
  }

  /**
   * An XA-capable H2 database for a demo bank of the XA demo: a file next to the default store's
   * (so its prepared branches survive a kill -9 like the store does), else in memory.
   */
  static org.h2.jdbcx.JdbcDataSource xaBank(String storeUri, String name) {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL(bankUrl(storeUri).startsWith("jdbc:h2:mem:")
        ? "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" : "jdbc:h2:./data/" + name);
    return ds;
  }

  /**
   * Lets recovery finish what an earlier run left unfinished (say, after a kill -9), waiting up to
   * {@code timeout}; returns how many there were.
   */
  static int resumeUnfinished(TransactionStore store, TransactionManager tm, Duration timeout) {
    List<TxRecord> open = store.query(TxQuery.all(TxQuery.MAX_LIMIT).withStatuses(
        EnumSet.of(TxStatus.PREPARED, TxStatus.SUBMITTED, TxStatus.ABORTING))).records();
    for (TxRecord r : open) {
      TxStatus status = tm.await(r.gid(), timeout).status();
      System.out.println("resumed " + r.gid() + " from an earlier run: " + status);
    }
    return open.size();
  }
}
