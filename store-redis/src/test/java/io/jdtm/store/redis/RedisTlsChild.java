package io.jdtm.store.redis;

import io.jdtm.Stores;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;

/**
 * Run by {@link RedisTlsIT} in a child JVM whose only trust for the test CA is {@code
 * -Djavax.net.ssl.trustStore}: opens the store of the {@value #URI_ENV} URI (a {@code rediss://}
 * URI with its password, passed through the environment, never the command line) with {@link
 * Stores#open}, creates and loads one record, prints what it did and exits 0; any failure exits 1
 * with its stack trace.
 */
final class RedisTlsChild {
  static final String URI_ENV = "JDTM_TLS_CHILD_URI";
  static final String GID_ENV = "JDTM_TLS_CHILD_GID";

  private RedisTlsChild() {}

  public static void main(String[] args) {
    String gid = System.getenv(GID_ENV);
    try (TransactionStore store = Stores.open(System.getenv(URI_ENV))) {
      System.out.println("opened " + store);
      TxRecord r = TestRecords.saga(gid, ManualClock.DEFAULT_START, ManualClock.DEFAULT_START);
      System.out.println("created " + store.create(r).created());
      System.out.println("loaded " + store.load(gid).map(TxRecord::gid).orElse("nothing"));
    } catch (RuntimeException e) {
      e.printStackTrace(System.out);
      System.exit(1);
    }
    System.exit(0);
  }
}
