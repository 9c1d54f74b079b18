package io.jdtm.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH setup every store benchmark shares: the {@code store} parameter picks the store under
 * test, opened once per trial with its raw baseline beside it. A method {@code x} is measured
 * against {@code xBaseline} in the same run. Each subclass instance is one trial's state.
 *
 * <p>Thread-safe as JMH uses it: set up and torn down on one thread, measured from many.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public abstract class StoreBenchmarkBase {
  @Param({"memory", "h2mem", "h2file", "postgres", "mariadb", "redis", "redis-cluster"})
  public String store;

  StoreFixture fixture;

  @Setup(Level.Trial)
  public void openStore() throws Exception {
    fixture = StoreFixture.open(store);
    prepare();
  }

  /** Fills the fresh store before the trial; nothing by default. */
  void prepare() throws Exception {}

  @TearDown(Level.Trial)
  public void closeStore() {
    fixture.close();
  }
}
