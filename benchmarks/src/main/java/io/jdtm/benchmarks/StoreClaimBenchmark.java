package io.jdtm.benchmarks;

import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * {@code claimDue} of {@value #LIMIT} records (the default recovery batch) from a backlog of due
 * records. Time is logical: each call claims at the next millisecond with a 1 ms lease, so what
 * it claims is due again one call later and the backlog never drains. The score counts calls.
 *
 * <p>Thread-safe as {@link StoreBenchmarkBase} says.
 */
public class StoreClaimBenchmark extends StoreBenchmarkBase {
  static final int LIMIT = 64;
  private static final Duration LEASE = Duration.ofMillis(1);
  private static final int LOADERS = 4;

  @Param({"10000"})
  public int backlog;

  private Instant start;
  private final AtomicLong tick = new AtomicLong();

  @Override
  void prepare() throws Exception {
    start = Instant.now();
    Instant due = start.minusSeconds(1);
    ExecutorService loaders = Executors.newFixedThreadPool(LOADERS);
    try {
      List<Future<Object>> done = loaders.invokeAll(Collections.nCopies(LOADERS, () -> {
        for (int i = 0; i < backlog / LOADERS; i++) {
          fixture.store().create(Records.saga(Records.gid(), 3, start, due));
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

  @Benchmark
  public List<TxRecord> claimDue() {
    Instant now = start.plusMillis(tick.incrementAndGet());
    List<TxRecord> claimed = fixture.store().claimDue(now, "bench", LEASE, LIMIT);
    if (claimed.isEmpty()) {
      throw new IllegalStateException("the backlog of " + backlog + " claimed nothing");
    }
    return claimed;
  }
}
