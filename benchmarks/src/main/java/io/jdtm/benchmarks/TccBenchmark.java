package io.jdtm.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A TCC transaction of {@value #BRANCHES} no-op branches, awaited to its terminal status (confirms
 * run after the body), beside the raw baseline: the row inserted, then one fenced UPDATE per try
 * and one for the submit, each committed.
 *
 * <p>Thread-safe as {@link EndToEndBase} says.
 */
public class TccBenchmark extends EndToEndBase {
  static final int BRANCHES = 3;

  @Param({"memory", "h2mem", "h2file", "postgres", "mariadb", "redis", "redis-cluster"})
  public String store;

  @Override
  String storeName() {
    return store;
  }

  @Benchmark
  public String tcc() {
    String gid = tm.tcc(tcc -> {
      for (int i = 0; i < BRANCHES; i++) {
        tcc.branch("try", "confirm", "cancel", PAYLOAD);
      }
    });
    tm.await(gid, TIMEOUT);
    return gid;
  }

  @Benchmark
  public String tccBaseline() {
    String gid = Records.gid();
    fixture.baseline().saga(gid, BRANCHES + 1);
    return gid;
  }
}
