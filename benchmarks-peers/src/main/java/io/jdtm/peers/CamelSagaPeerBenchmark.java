package io.jdtm.peers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
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
 * Camel's saga EIP in memory, beside jdtm's 3-step saga on the memory store.
 *
 * <p>Workload: one operation is one {@code ProducerTemplate.sendBody("direct:saga", id)}: the
 * route opens a saga on {@code InMemorySagaService} and calls a step route {@code steps} times
 * (default 3); each call joins the saga ({@code propagation(MANDATORY)}) with a compensation
 * endpoint (never run) and runs a no-op processor; the call returns when the saga has completed.
 * Nothing is stored. Throughput is sagas per second.
 *
 * <p>Run: {@code java -jar benchmarks-peers/target/benchmarks-peers.jar CamelSagaPeerBenchmark
 * -t 1} and again with {@code -t 8} (add {@code -p steps=10} for longer sagas).
 *
 * <p>Thread-safe as JMH uses it: one Camel context per trial shared by all benchmark threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CamelSagaPeerBenchmark {
  @Param({"3"})
  public int steps;

  private final AtomicLong ids = new AtomicLong();
  private CamelSaga camel;

  @Setup(Level.Trial)
  public void open() throws Exception {
    camel = CamelSaga.open(steps);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    camel.close();
  }

  @Benchmark
  public void saga() {
    camel.run(Long.toString(ids.incrementAndGet()));
  }
}
