package io.jdtm.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seata's saga engine (seata-all 2.x) embedded on H2, beside jdtm's 3-step saga on H2.
 *
 * <p>Workload: one operation is one saga of {@code steps} (default 3) ServiceTask states run to
 * its end by {@code StateMachineEngine.start} on the calling thread. Each task calls a Spring
 * bean method that returns {@code true} and declares a compensation state (never run). Seata
 * writes its state log to H2 ({@code seata_state_machine_inst} and {@code seata_state_inst}
 * rows, including {@code gmt_updated}) through a HikariCP pool of 10; there is no TC server: the
 * state-log store has no transactional template. {@code h2=mem} is an in-memory database,
 * {@code h2=file} a file database with {@code WRITE_DELAY=0} as jdtm's H2
 * file store (see {@link H2Database}). Throughput is sagas per second.
 *
 * <p>Run: {@code java -jar benchmarks-peers/target/benchmarks-peers.jar SeataSagaPeerBenchmark
 * -t 1} and again with {@code -t 8} (add {@code -p h2=mem} or {@code -p steps=10} to narrow).
 *
 * <p>Thread-safe as JMH uses it (see {@link PeerBase}).
 */
@Warmup(iterations = 3, time = 5)
public class SeataSagaPeerBenchmark extends PeerBase {
  @Param({"mem", "file"})
  public String h2;

  @Param({"3"})
  public int steps;

  private SeataSaga seata;

  @Setup(Level.Trial)
  public void open() throws Exception {
    seata = SeataSaga.open(h2, steps);
  }

  @TearDown(Level.Trial)
  public void close() {
    seata.close();
  }

  @Benchmark
  public void saga() {
    seata.run(nextId());
  }
}
