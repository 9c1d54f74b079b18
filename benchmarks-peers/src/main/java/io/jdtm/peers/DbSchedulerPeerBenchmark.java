package io.jdtm.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * db-scheduler on H2, beside jdtm's durable work scheduled on H2 and run by its own workers.
 *
 * <p>Workload: one operation schedules one one-time task instance due now (one row in
 * {@code scheduled_tasks}, whose {@code execution_time} column is indexed) through a HikariCP
 * pool of 10; the scheduler (10 worker threads, immediate execution enabled, 1 s polling) picks
 * it, runs a handler that does nothing but count, and deletes the row. {@code schedule} returns
 * once the task is stored (scheduling rate; execution goes on in the background);
 * {@code executed} returns once the handler has run that task (executed rate, each benchmark
 * thread one task in flight). {@code h2=mem} is an in-memory database, {@code h2=file} a file
 * database with {@code WRITE_DELAY=0} as jdtm's H2 file store (see {@link H2Database}).
 * Throughput is tasks per second.
 *
 * <p>Run: {@code java -jar benchmarks-peers/target/benchmarks-peers.jar DbSchedulerPeerBenchmark
 * -t 1} and again with {@code -t 8} (add {@code -p h2=mem} to narrow).
 *
 * <p>Thread-safe as JMH uses it (see {@link PeerBase}).
 */
public class DbSchedulerPeerBenchmark extends PeerBase {
  @Param({"mem", "file"})
  public String h2;

  private DbSchedulerTasks scheduler;

  @Setup(Level.Trial)
  public void open() {
    scheduler = DbSchedulerTasks.open(h2);
  }

  @TearDown(Level.Trial)
  public void close() {
    scheduler.close();
  }

  @Benchmark
  public void schedule() {
    scheduler.schedule(nextId());
  }

  @Benchmark
  public void executed() throws Exception {
    scheduler.scheduleAndAwaitExecution(nextId());
  }
}
