package io.jdtm.store.redis;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.Stores;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link RedisTlsIT} in a child JVM whose only trust for the test CA is {@code
 * -Djavax.net.ssl.trustStore}: opens the store of the {@value #URI_ENV} URI ({@code rediss://}
 * with its password) under the key prefix {@value #PREFIX_ENV} with {@link Stores#open}, creates
 * and loads one record, then builds a {@link RedisBarrier} on the same URI and delivers one action
 * twice; prints what it did and exits 0. Any failure exits 1 with its stack trace. The URI comes
 * through the environment, never the command line.
 */
final class RedisTlsChild {
  static final String URI_ENV = "JDTM_TLS_CHILD_URI";
  static final String PREFIX_ENV = "JDTM_TLS_CHILD_PREFIX";
  static final String GID_ENV = "JDTM_TLS_CHILD_GID";

  private RedisTlsChild() {}

  public static void main(String[] args) {
    String uri = System.getenv(URI_ENV);
    String prefix = System.getenv(PREFIX_ENV);
    String gid = System.getenv(GID_ENV);
    try {
      store(uri + "#jdtm.keyPrefix=" + prefix, gid);
      barrier(uri, prefix, gid);
    } catch (Exception e) {
      e.printStackTrace(System.out);
      System.exit(1);
    }
    System.exit(0);
  }

  private static void store(String uri, String gid) {
    try (TransactionStore store = Stores.open(uri)) {
      System.out.println("opened " + store);
      TxRecord r = TestRecords.saga(gid, ManualClock.DEFAULT_START, ManualClock.DEFAULT_START);
      System.out.println("created " + store.create(r).created());
      System.out.println("loaded " + store.load(gid).map(TxRecord::gid).orElse("nothing"));
    }
  }

  private static void barrier(String uri, String prefix, String gid) throws Exception {
    try (RedisBarrier barrier = RedisBarrier.builder().uri(uri).keyPrefix(prefix).build()) {
      AtomicInteger runs = new AtomicInteger();
      for (int delivery = 0; delivery < 2; delivery++) {
        Outcome o = barrier.call(BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION), fx -> {
          runs.incrementAndGet();
          fx.incrBy(prefix + "child_counter", 1);
          return Outcome.success();
        });
        System.out.println("barrier delivery " + delivery + " " + o.kind());
      }
      System.out.println("barrier work ran " + runs.get() + " time(s)");
    }
  }
}
