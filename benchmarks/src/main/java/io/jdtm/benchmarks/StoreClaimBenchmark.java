package io.jdtm.benchmarks;

import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code claimDue} of {@value #LIMIT} records (the default recovery batch) from a backlog of due
 * records, beside its raw baseline on a backlog of the same size: SELECT of the oldest due rows
 * {@code FOR UPDATE SKIP LOCKED}, a batch of fenced UPDATEs moving their due time, one commit.
 * Time is logical: each call claims at the next millisecond with a 1 ms lease, so what it claims
 * is due again one call later and the backlog never drains. The score counts calls.
 *
 * <p>Thread-safe as {@link StoreBenchmarkBase} says.
 */
public class StoreClaimBenchmark extends StoreBenchmarkBase {
  static final int LIMIT = 64;
  private static final Duration LEASE = Duration.ofMillis(1);
  private static final int LOADERS = 4;
  private static final int BASELINE_BATCH = 500;

  @Param({"10000"})
  public int backlog;

  @Benchmark
  public List<TxRecord> claimDue(Backlog b) {
    List<TxRecord> claimed = fixture.store().claimDue(b.next(), "bench", LEASE, LIMIT);
    if (claimed.isEmpty()) {
      throw new IllegalStateException("the backlog of " + backlog + " claimed nothing");
    }
    return claimed;
  }

  @Benchmark
  public int claimDueBaseline(BaselineBacklog b) {
    int claimed = fixture.baseline().claim(b.next().toEpochMilli(), LEASE.toMillis(), LIMIT);
    if (claimed == 0) {
      throw new IllegalStateException("the baseline's backlog of " + backlog + " claimed nothing");
    }
    return claimed;
  }

  /**
   * The store's backlog, due before the trial starts, and the trial's logical clock. Thread-safe
   * once filled: the clock is atomic.
   */
  @State(Scope.Benchmark)
  public static class Backlog {
    Instant start;
    private final AtomicLong tick = new AtomicLong();

    @Setup(Level.Trial)
    public void fill(StoreClaimBenchmark b) throws Exception {
      start = Instant.now();
      Instant due = start.minusSeconds(1);
      ExecutorService loaders = Executors.newFixedThreadPool(LOADERS);
      try {
        List<Future<Object>> done = loaders.invokeAll(Collections.nCopies(LOADERS, () -> {
          for (int i = 0; i < b.backlog / LOADERS; i++) {
            b.fixture.store().create(Records.saga(Records.gid(), 3, start, due));
          }
          return null;
        }));
        for (Future<Object> f : done) {
          f.get();
        }
      } finally {
        loaders.shutdown();
      }
    }

    /** The next call's time: one logical millisecond after the last. */
    Instant next() {
      return start.plusMillis(tick.incrementAndGet());
    }
  }

  /** The baseline's backlog, rows due before the trial starts. Thread-safe once filled. */
  @State(Scope.Benchmark)
  public static class BaselineBacklog extends Backlog {
    @Override
    @Setup(Level.Trial)
    public void fill(StoreClaimBenchmark b) {
      start = Instant.now();
      List<String> gids = new ArrayList<>(BASELINE_BATCH);
      for (int i = 0; i < b.backlog; i++) {
        gids.add(Records.gid());
        if (gids.size() == BASELINE_BATCH || i == b.backlog - 1) {
          b.fixture.baseline().insertDue(gids, start.minusSeconds(1).toEpochMilli());
          gids.clear();
        }
      }
    }
  }
}
