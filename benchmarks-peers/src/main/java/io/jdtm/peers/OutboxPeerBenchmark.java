package io.jdtm.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * gruelbox transaction-outbox 4.2.268 on H2, beside jdtm's 2-phase message with a local H2
 * transaction delivered to one action.
 *
 * <p>Workload: one operation writes one outbox row ({@code schedule(Delivery.class).deliver(id)})
 * inside its own local transaction on H2 (HikariCP pool of 10, the outbox's H2 dialect and its
 * own schema migration) and commits. After the commit the outbox's default submitter (one
 * thread, a queue of 16,384) delivers the message to one action that does nothing but count.
 * {@code commit} returns after the commit (delivery goes on in the background: commit rate);
 * {@code delivered} returns once the action has received that message (delivered rate, each
 * benchmark thread one message in flight). {@code h2=mem} is an in-memory database,
 * {@code h2=file} a file database with {@code WRITE_DELAY=0} as jdtm's H2
 * file store (see {@link H2Database}). Throughput is messages per second.
 *
 * <p>Run: {@code java -jar benchmarks-peers/target/benchmarks-peers.jar OutboxPeerBenchmark -t 1}
 * and again with {@code -t 8} (add {@code -p h2=mem} to narrow).
 *
 * <p>Thread-safe as JMH uses it (see {@link PeerBase}).
 */
public class OutboxPeerBenchmark extends PeerBase {
  @Param({"mem", "file"})
  public String h2;

  private OutboxMessages outbox;

  @Setup(Level.Trial)
  public void open() {
    outbox = OutboxMessages.open(h2);
  }

  @TearDown(Level.Trial)
  public void close() throws InterruptedException {
    outbox.close();
  }

  @Benchmark
  public void commit() {
    outbox.commit(nextId());
  }

  @Benchmark
  public void delivered() throws Exception {
    outbox.commitAndAwaitDelivery(nextId());
  }
}
