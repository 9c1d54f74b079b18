package io.jdtm.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

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
 * <p>Thread-safe as JMH uses it (see {@link PeerBase}).
 */
public class CamelSagaPeerBenchmark extends PeerBase {
  @Param({"3"})
  public int steps;

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
    camel.run(nextId());
  }
}
