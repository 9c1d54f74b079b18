package io.jdtm.store.jdbc;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * What write-through commits cost on the H2 file store: N sequential two-step sagas with no-op
 * handlers ({@code submitAndWait} each), with H2's background writes ({@code WRITE_DELAY=500},
 * H2's default) and with write-through ({@code WRITE_DELAY=0}, the store's default), alternating
 * in one JVM for a few rounds after a warm-up; prints each round's ratio and the median. Not a
 * test (nothing asserts times); run it with
 *
 * <pre>{@code
 * mvn -q -pl store-jdbc -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * cd store-jdbc
 * java -cp target/test-classes:target/classes:$(cat cp.txt) \
 *     io.jdtm.store.jdbc.H2WriteDelayCost 1000 7
 * }</pre>
 *
 * Not thread-safe (one thread).
 */
final class H2WriteDelayCost {
  private H2WriteDelayCost() {}

  public static void main(String[] args) throws Exception {
    int sagas = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path dir = Files.createTempDirectory("jdtm-write-delay");
    double[] ratios = new double[rounds];
    for (int round = 0; round <= rounds; round++) {
      double d = sagasPerSecond(dir.resolve("delayed-" + round) + ";WRITE_DELAY=500", sagas);
      double t = sagasPerSecond(dir.resolve("through-" + round).toString(), sagas);
      System.out.printf("round %d%s: WRITE_DELAY=500 %.0f sagas/s, write-through %.0f sagas/s, "
          + "ratio %.2f%n", round, round == 0 ? " (warm-up)" : "", d, t, t / d);
      if (round > 0) {
        ratios[round - 1] = t / d;
      }
    }
    Arrays.sort(ratios);
    System.out.printf("median ratio write-through / WRITE_DELAY=500 over %d rounds: %.2f%n",
        rounds, ratios[rounds / 2]);
  }

  private static double sagasPerSecond(String file, int sagas) {
    try (JdbcStore store = JdbcStore.builder().url("jdbc:h2:file:" + file).createSchema(true)
            .build();
        TransactionManager tm = TransactionManager.builder().store(store)
            .handler("noop", String.class, (ctx, p) -> Outcome.success())
            .build().start()) {
      long start = System.nanoTime();
      for (int i = 0; i < sagas; i++) {
        TxStatus s = tm.saga().step("noop", "noop", "a").step("noop", "noop", "b")
            .submitAndWait(Duration.ofSeconds(30)).status();
        if (s != TxStatus.SUCCEEDED) {
          throw new IllegalStateException("saga " + i + " ended " + s);
        }
      }
      return sagas / ((System.nanoTime() - start) / 1e9);
    }
  }
}
