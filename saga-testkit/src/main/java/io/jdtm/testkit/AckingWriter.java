package io.jdtm.testkit;

import io.jdtm.Stores;
import io.jdtm.spi.TransactionStore;
import java.nio.file.Path;

/**
 * The child JVM of {@link KillLoop}: opens the store named by the environment variable {@link
 * #STORE_URI_ENV} (never on the command line: it may hold a password), says {@link #READY}, then
 * creates saga records {@code <prefix>-1}, {@code <prefix>-2}, ... one after another, appending
 * each gid to the acknowledgement file once {@code create} returned, until it is killed.
 *
 * <p>Arguments: the acknowledgement file, the gid prefix. Not thread-safe (one thread).
 */
final class AckingWriter {
  static final String STORE_URI_ENV = "JDTM_KILL_STORE_URI";
  static final String READY = "jdtm-acking-writer-ready";

  private AckingWriter() {}

  public static void main(String[] args) throws Exception {
    try (TransactionStore store = Stores.open(System.getenv(STORE_URI_ENV));
        AckFile acks = AckFile.appendingTo(Path.of(args[0]))) {
      System.out.println(READY);
      System.out.flush();
      for (long n = 1; ; n++) {
        String gid = args[1] + "-" + n;
        if (!store.create(TestRecords.saga(gid, ManualClock.DEFAULT_START,
            ManualClock.DEFAULT_START)).created()) {
          throw new IllegalStateException("gid " + gid + " already existed");
        }
        acks.add(gid);
      }
    }
  }
}
