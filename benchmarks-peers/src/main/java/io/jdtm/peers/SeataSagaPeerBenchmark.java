package io.jdtm.peers;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * Seata's saga engine (seata-all 2.x) embedded on H2, beside jdtm's 3-step saga on H2.
 *
 * <p>Workload: one operation is one saga of {@code steps} (default 3) ServiceTask states run to
 * its end by {@code StateMachineEngine.start} on the calling thread. Each task calls a Spring
 * bean method that returns {@code true} and declares a compensation state (never run). Seata
 * writes its state log to H2 ({@code seata_state_machine_inst} and {@code seata_state_inst}
 * rows, including {@code gmt_updated}) through a HikariCP pool of 10; there is no TC server: the
 * state-log store has no transactional template. {@code h2=mem} is an in-memory database,
 * {@code h2=file} a file database with H2's default settings (more with {@code -jvmArgsAppend
 * -Djdtm.peers.h2FileOptions=;...}). Throughput is sagas per second.
 *
 * <p>Run: {@code java -jar benchmarks-peers/target/benchmarks-peers.jar SeataSagaPeerBenchmark
 * -t 1} and again with {@code -t 8} (add {@code -p h2=mem} or {@code -p steps=10} to narrow).
 *
 * <p>Thread-safe as JMH uses it: one engine per trial shared by all benchmark threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SeataSagaPeerBenchmark {
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
    seata.run(UUID.randomUUID().toString());
  }
}
