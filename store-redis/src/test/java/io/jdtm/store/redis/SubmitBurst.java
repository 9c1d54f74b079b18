package io.jdtm.store.redis;

import static org.awaitility.Awaitility.await;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Threads submitting 2-step sagas ({@code bankA}, {@code bankB}) through one manager until
 * stopped, recording which gids were acknowledged (submit returned), which failed with {@link
 * StoreUnavailableException} (maybe stored, maybe not) and how long the slowest failure took.
 * Any other exception is kept and rethrown by {@link #stop()}.
 */
final class SubmitBurst implements AutoCloseable {
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Set<String> failed = ConcurrentHashMap.newKeySet();
  /** {@link System#nanoTime()} when the submit of each acknowledged gid started. */
  final Map<String, Long> startedAt = new ConcurrentHashMap<>();
  private final AtomicLong slowestFailureNanos = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean stopped;

  SubmitBurst(TransactionManager tm, String gidPrefix, int threadCount) {
    for (int t = 0; t < threadCount; t++) {
      String prefix = gidPrefix + t + "-";
      Thread thread = new Thread(() -> submitUntilStopped(tm, prefix), "burst-" + t);
      threads.add(thread);
      thread.start();
    }
  }

  private void submitUntilStopped(TransactionManager tm, String prefix) {
    for (long i = 0; !stopped; i++) {
      String gid = prefix + i;
      long start = System.nanoTime();
      try {
        tm.saga(gid).step("bankA", "bankA", "a").step("bankB", "bankB", "b").submit();
        startedAt.put(gid, start);
        acknowledged.add(gid);
      } catch (StoreUnavailableException e) {
        failed.add(gid);
        slowestFailureNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
      } catch (Throwable e) {
        unexpected.add(e);
        return;
      }
    }
  }

  /** Waits (bounded) until at least {@code n} submits more than now were acknowledged. */
  void awaitMoreAcknowledged(int n, Duration within) {
    int target = acknowledged.size() + n;
    await().atMost(within).until(() -> acknowledged.size() >= target || !unexpected.isEmpty());
    rethrow();
  }

  /** Waits (bounded) until at least {@code n} more submits than now failed. */
  void awaitMoreFailed(int n, Duration within) {
    int target = failed.size() + n;
    await().atMost(within).until(() -> failed.size() >= target || !unexpected.isEmpty());
    rethrow();
  }

  /** Waits (bounded) until an acknowledged gid passes {@code test}. */
  void awaitAcknowledged(Predicate<String> test, Duration within) {
    await().atMost(within).until(() -> acknowledged.stream().anyMatch(test)
        || !unexpected.isEmpty());
    rethrow();
  }

  Duration slowestFailure() {
    return Duration.ofNanos(slowestFailureNanos.get());
  }

  /** Stops the threads, waits for them, and rethrows the first unexpected failure. */
  void stop() {
    stopped = true;
    for (Thread t : threads) {
      try {
        t.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " still submitting after 30 s");
      }
    }
    rethrow();
  }

  private void rethrow() {
    if (!unexpected.isEmpty()) {
      throw new AssertionError("a submit failed unexpectedly", unexpected.get(0));
    }
  }

  @Override
  public void close() {
    stopped = true;
  }

  /** Every record in {@code store}, by gid. */
  static Map<String, TxRecord> all(TransactionStore store) {
    Map<String, TxRecord> all = new LinkedHashMap<>();
    TxQuery q = TxQuery.all(TxQuery.MAX_LIMIT);
    while (true) {
      TxPage page = store.query(q);
      page.records().forEach(r -> all.put(r.gid(), r));
      if (page.next().isEmpty()) {
        return all;
      }
      q = q.after(page.next().get());
    }
  }

  /**
   * Drives recovery to the end on the calling thread: advances the clock past every lease and
   * retry, runs passes of {@code recoverer} (an inline-executor manager) until one claims
   * nothing and nothing is left unfinished, at most {@code maxPasses}.
   *
   * @return how many passes ran
   */
  static int recoverAll(TransactionManager recoverer, ManualClock clock, TransactionStore store,
      int maxPasses) {
    for (int pass = 1; pass <= maxPasses; pass++) {
      clock.advance(Duration.ofMinutes(5));
      if (recoverer.runRecoveryPass().isEmpty()
          && all(store).values().stream().allMatch(r -> r.status().isTerminal())) {
        return pass;
      }
    }
    throw new AssertionError("records still unfinished after " + maxPasses + " passes");
  }
}
