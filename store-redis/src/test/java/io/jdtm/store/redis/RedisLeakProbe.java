package io.jdtm.store.redis;

import io.jdtm.Stores;
import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;

/**
 * Run by {@link RedisSecretLeakIT} in a child JVM logging everything from TRACE up: opens stores
 * on a password-protected server with good and bad credentials and prints every outcome, whole
 * stack traces included. The URIs come through the environment, never the command line.
 */
final class RedisLeakProbe {
  static final String GOOD_URI_ENV = "JDTM_PROBE_GOOD_URI";
  static final String BAD_URI_ENV = "JDTM_PROBE_BAD_URI";
  static final String DEAD_URI_ENV = "JDTM_PROBE_DEAD_URI";
  static final String SCENARIO = "SCENARIO ";

  private RedisLeakProbe() {}

  public static void main(String[] args) {
    attempt("bad-password", System.getenv(BAD_URI_ENV));
    attempt("unreachable", System.getenv(DEAD_URI_ENV));
    try (TransactionStore store = Stores.open(System.getenv(GOOD_URI_ENV))) {
      store.create(TestRecords.saga("leak-1", ManualClock.DEFAULT_START,
          ManualClock.DEFAULT_START));
      System.out.println(SCENARIO + "good opened " + store + " and read "
          + store.load("leak-1").orElseThrow());
    }
    System.out.println(SCENARIO + "done");
  }

  private static void attempt(String name, String uri) {
    try (TransactionStore store = Stores.open(uri)) {
      System.out.println(SCENARIO + name + " opened " + store);
    } catch (RuntimeException e) {
      System.out.println(SCENARIO + name + " threw " + e.getClass().getName() + ": "
          + e.getMessage());
      e.printStackTrace(System.out);
    }
  }
}
