package io.jdtm.benchmarks;

import io.jdtm.Saga;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A saga of {@code steps} no-op steps through {@code submitAndWait}, beside the raw baseline: the
 * saga row inserted and committed, then per step one fenced UPDATE and commit.
 *
 * <p>Thread-safe as {@link EndToEndBase} says.
 */
public class SagaBenchmark extends EndToEndBase {
  @Param({"memory", "h2mem", "h2file", "postgres", "mariadb", "redis", "redis-cluster"})
  public String store;

  @Param({"3", "10", "50"})
  public int steps;

  @Override
  String storeName() {
    return store;
  }

  @Benchmark
  public String saga() {
    Saga saga = tm.saga();
    for (int i = 0; i < steps; i++) {
      saga.step("act", "undo", PAYLOAD);
    }
    saga.submitAndWait(TIMEOUT);
    return saga.gid();
  }

  @Benchmark
  public String sagaBaseline() {
    String gid = Records.gid();
    fixture.baseline().saga(gid, steps);
    return gid;
  }
}
