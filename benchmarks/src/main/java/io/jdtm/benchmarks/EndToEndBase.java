package io.jdtm.benchmarks;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH setup of the end-to-end benchmarks: a started manager with defaults on the store under
 * test, no-op Java handlers, and the raw baseline beside it. Each operation runs from submit to
 * terminal status. Sample-time mode: the score is the mean time per transaction, with p50, p99
 * and p99.9; throughput is threads / mean time (every client thread runs back to back). Client
 * threads come from JMH ({@code -t}). Return values of the manager's calls are ignored: their
 * types are not what is measured.
 *
 * <p>Thread-safe as JMH uses it: set up and torn down on one thread, measured from many.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public abstract class EndToEndBase {
  /** How long one transaction may take before the benchmark fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Integer PAYLOAD = 1;

  StoreFixture fixture;
  TransactionManager tm;

  /** The store parameter of the concrete benchmark. */
  abstract String storeName();

  @Setup(Level.Trial)
  public void openManager() {
    fixture = openFixture();
    TransactionManager.Builder builder = TransactionManager.builder().store(fixture.store());
    for (String name : new String[] {"act", "undo", "try", "confirm", "cancel", "deliver"}) {
      builder.handler(name, Integer.class, (ctx, payload) -> Outcome.success());
    }
    tm = configure(builder).build().start();
  }

  /** Opens the store under test; by default the one {@link #storeName()} names. */
  StoreFixture openFixture() {
    return StoreFixture.open(storeName());
  }

  /** Adds what the benchmark needs beyond the no-op handlers. */
  TransactionManager.Builder configure(TransactionManager.Builder builder) {
    return builder;
  }

  @TearDown(Level.Trial)
  public void closeManager() {
    tm.close();
    fixture.close();
  }
}
