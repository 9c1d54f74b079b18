package io.jdtm.internal;

import io.jdtm.InvalidTransactionException;
import io.jdtm.JdtmException;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TxResult;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for transactions to finish: wakes as soon as this instance finishes one, and meanwhile
 * reads the store every poll interval (another instance may finish it). A waiter never waits on
 * the store past its deadline: each read runs on a spare thread, and a read still running at the
 * deadline is left to end on its own (bounded by the store's own timeouts) while the waiter
 * returns the last status it knows. Thread-safe.
 */
final class Waits {
  private static final long MAX_POLL_NANOS = 250_000_000L;
  private static final long MIN_POLL_NANOS = 10_000_000L;
  /**
   * How long past its deadline a waiter that has read no status yet gives the store before it
   * reports the store unavailable (so a short timeout on a healthy store still gets an answer).
   */
  static final long GRACE_NANOS = 500_000_000L;

  private final TransactionStore store;
  private final Completions completions;
  private final long pollNanos;

  Waits(TransactionStore store, Completions completions, Duration pollInterval) {
    this.store = store;
    this.completions = completions;
    this.pollNanos = Math.max(MIN_POLL_NANOS, Math.min(pollInterval.toNanos(), MAX_POLL_NANOS));
  }

  /** Starts watching {@code gid}: a finish from now on is not missed. Close the waiter after. */
  Waiter watch(String gid) {
    return new Waiter(gid, completions.watch(gid));
  }

  /** One caller's wait for one gid. Not thread-safe. */
  final class Waiter implements AutoCloseable {
    private final String gid;
    private final CompletableFuture<TxRecord> done;

    private Waiter(String gid, CompletableFuture<TxRecord> done) {
      this.gid = gid;
      this.done = done;
    }

    /**
     * Waits until {@code deadline} ({@link System#nanoTime()}) for a terminal status.
     *
     * @param known the record as last seen, or {@code null} if none was
     * @return the terminal result, or the last one read when time ran out
     * @throws InvalidTransactionException when no transaction has this gid
     * @throws StoreUnavailableException when the store gave no status in time
     */
    TxResult await(long deadline, TxRecord known) {
      try {
        return awaitOrThrow(deadline, known);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JdtmException("interrupted while awaiting", gid, null, null, e);
      }
    }

    private TxResult awaitOrThrow(long deadline, TxRecord known) throws InterruptedException {
      TxRecord last = known;
      while (!done.isDone()) {
        if (last != null && deadline - System.nanoTime() <= 0) {
          return Results.of(last);
        }
        CompletableFuture<Optional<TxRecord>> read =
            CompletableFuture.supplyAsync(() -> store.load(gid), DefaultExecutors.overflow());
        if (!settle(CompletableFuture.anyOf(read, done),
            last == null ? deadline + GRACE_NANOS : deadline)) {
          return timedOut(last);
        }
        if (!done.isDone()) {
          last = loaded(read);
          if (last.status().isTerminal()) {
            return Results.of(last);
          }
          long left = Math.max(0, deadline - System.nanoTime());
          settle(done, System.nanoTime() + Math.min(left, pollNanos));
        }
      }
      return Results.of(done.join());
    }

    private TxResult timedOut(TxRecord last) {
      if (last == null) {
        throw new StoreUnavailableException(
            "the store gave no status within the timeout", gid, null);
      }
      return Results.of(last);
    }

    /** Waits until {@code f} is done or {@code until} passes; true if done. */
    private boolean settle(CompletableFuture<?> f, long until) throws InterruptedException {
      try {
        f.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        // a failed read: reported by loaded()
      }
      return true;
    }

    @Override
    public void close() {
      completions.release(gid);
    }

    /** What a finished read found; its failure, or the absence of a record, thrown. */
    private TxRecord loaded(CompletableFuture<Optional<TxRecord>> read) {
      try {
        return read.join().orElseThrow(
            () -> new InvalidTransactionException("no transaction with this gid", gid));
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
  }
}
