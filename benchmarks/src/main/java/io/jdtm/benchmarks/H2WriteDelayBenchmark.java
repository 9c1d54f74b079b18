package io.jdtm.benchmarks;

import io.jdtm.Saga;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * What write-through commits cost on the H2 file store: a saga of {@value #STEPS} no-op steps
 * through {@code submitAndWait} on an H2 file database with {@code WRITE_DELAY=0} (the store's
 * default, which a process kill cannot make lose an acknowledged commit) and with H2's own default
 * of 500 ms (commits written to the file in the background, lost on a kill). The ratio of the two
 * figures of one run is the price of durability that docs/durability.md quotes; it has no target.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar H2WriteDelayBenchmark -t 1}.
 *
 * <p>Thread-safe as {@link EndToEndBase} says.
 */
public class H2WriteDelayBenchmark extends EndToEndBase {
  static final int STEPS = 3;

  /** H2's {@code WRITE_DELAY} in milliseconds: 0 (write-through) or 500 (H2's default). */
  @Param({"0", "500"})
  public int writeDelay;

  @Override
  String storeName() {
    return "h2file";
  }

  @Override
  StoreFixture openFixture() {
    return StoreFixture.openH2File(writeDelay);
  }

  @Benchmark
  public String saga() {
    Saga saga = tm.saga();
    for (int i = 0; i < STEPS; i++) {
      saga.step("act", "undo", PAYLOAD);
    }
    saga.submitAndWait(TIMEOUT);
    return saga.gid();
  }
}
