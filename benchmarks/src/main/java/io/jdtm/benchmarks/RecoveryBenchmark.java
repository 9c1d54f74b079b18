package io.jdtm.benchmarks;

import io.jdtm.Outcome;
import io.jdtm.TransactionListener;
import io.jdtm.StatusEvent;
import io.jdtm.TransactionManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Recovery of a backlog with the default settings ({@code start()}: 1 s poll, batch 64): before
 * each call a manager that then dies stores {@value #BACKLOG} sagas of 3 no-op steps and drives
 * none of them (an hour ago: they are all due); {@code drain} starts {@code managers} managers on
 * the store and ends when every saga has succeeded. {@code drainBaseline} is the steady state the
 * drain is measured against: the same sagas submitted to the same number of started managers and
 * driven normally. Scores are sagas per second; the ratio drain / baseline is recovery's share of
 * steady-state throughput. The secondary scores {@code manager1..3} count the sagas each manager
 * finished (as a rate: their proportions are the managers' shares).
 *
 * <p>Thread-safe as JMH uses it: one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
public class RecoveryBenchmark {
  static final int BACKLOG = 10_000;
  static final int MAX_MANAGERS = 3;
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
  private static final Integer PAYLOAD = 1;

  @Param({"memory", "h2mem", "h2file", "postgres", "mariadb", "redis", "redis-cluster"})
  public String store;

  @Param({"1", "3"})
  public int managers;

  /** Sagas per call; smaller only when a test calls the methods directly. */
  int backlog = BACKLOG;

  StoreFixture fixture;
  private final List<TransactionManager> started = new ArrayList<>();
  private AtomicLongArray finished;
  private CountDownLatch done;

  /** Sagas each manager finished, reported beside the score. Not thread-safe. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Shares {
    public long manager1;
    public long manager2;
    public long manager3;

    @Setup(Level.Iteration)
    public void reset() {
      manager1 = 0;
      manager2 = 0;
      manager3 = 0;
    }

    void add(AtomicLongArray finished) {
      manager1 += finished.get(0);
      manager2 += finished.get(1);
      manager3 += finished.get(2);
    }
  }

  @Setup(Level.Trial)
  public void openStore() {
    fixture = StoreFixture.open(store);
  }

  @TearDown(Level.Trial)
  public void closeStore() {
    fixture.close();
  }

  /** Before each call; before a drain, the backlog, stored by a manager that died. */
  @Setup(Level.Invocation)
  public void prepare(BenchmarkParams params) {
    prepare(params.getBenchmark().endsWith(".drain"));
  }

  void prepare(boolean abandoned) {
    finished = new AtomicLongArray(MAX_MANAGERS);
    done = new CountDownLatch(backlog);
    if (abandoned) {
      storeAbandonedBacklog();
    }
  }

  @TearDown(Level.Invocation)
  public void stopManagers() {
    started.forEach(TransactionManager::close);
    started.clear();
  }

  @Benchmark
  @OperationsPerInvocation(BACKLOG)
  public long drain(Shares shares) throws InterruptedException {
    long t0 = System.nanoTime();
    for (int i = 0; i < managers; i++) {
      started.add(manager(i).build().start());
    }
    await();
    shares.add(finished);
    return System.nanoTime() - t0;
  }

  @Benchmark
  @OperationsPerInvocation(BACKLOG)
  public long drainBaseline(Shares shares) throws InterruptedException {
    long t0 = System.nanoTime();
    for (int i = 0; i < managers; i++) {
      started.add(manager(i).build().start());
    }
    for (int i = 0; i < backlog; i++) {
      saga(started.get(i % managers)).submit();
    }
    await();
    shares.add(finished);
    return System.nanoTime() - t0;
  }

  /**
   * Stores the backlog through a manager whose executor drops every task and that halts after: a
   * crash right after each submit stored its saga. It ran an hour ago, so every lease is over.
   */
  private void storeAbandonedBacklog() {
    TransactionManager dead = handlers(TransactionManager.builder().store(fixture.store())
        .instanceId("crashed").executor(task -> { })
        .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))).build();
    try {
      for (int i = 0; i < backlog; i++) {
        saga(dead).submit();
      }
    } finally {
      dead.halt();
    }
  }

  private static io.jdtm.Saga saga(TransactionManager tm) {
    return tm.saga().step("act", "undo", PAYLOAD).step("act", "undo", PAYLOAD)
        .step("act", "undo", PAYLOAD);
  }

  /** A manager with the defaults that counts the sagas it finishes. */
  private TransactionManager.Builder manager(int index) {
    return handlers(TransactionManager.builder().store(fixture.store())
        .instanceId("recovery-" + (index + 1))
        .listener(new TransactionListener() {
          @Override
          public void onStatusChange(StatusEvent event) {
            if (event.to().isTerminal()) {
              finished.incrementAndGet(index);
              done.countDown();
            }
          }
        }));
  }

  private static TransactionManager.Builder handlers(TransactionManager.Builder builder) {
    return builder.handler("act", Integer.class, (ctx, p) -> Outcome.success())
        .handler("undo", Integer.class, (ctx, p) -> Outcome.success());
  }

  private void await() throws InterruptedException {
    if (!done.await(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(done.getCount() + " of " + backlog + " sagas unfinished "
          + "after " + DRAIN_TIMEOUT + " on " + store);
    }
  }
}
