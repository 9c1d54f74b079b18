package io.jdtm.internal;

import io.jdtm.spi.TxRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Wakes local waiters when this instance drives a transaction to a terminal status. Waiters also
 * poll the store, since another instance may finish it. Thread-safe.
 */
final class Completions {
  /** One future per awaited gid, shared by its waiters and removed with the last of them. */
  private static final class Watch {
    final CompletableFuture<TxRecord> future = new CompletableFuture<>();
    int waiters;
  }

  private final ConcurrentMap<String, Watch> watches = new ConcurrentHashMap<>();

  /** A future completed when this instance sees {@code gid} finish; {@link #release} it after. */
  CompletableFuture<TxRecord> watch(String gid) {
    return watches.compute(gid, (g, w) -> {
      Watch watch = w == null ? new Watch() : w;
      watch.waiters++;
      return watch;
    }).future;
  }

  void release(String gid) {
    watches.computeIfPresent(gid, (g, w) -> --w.waiters == 0 ? null : w);
  }

  /** Wakes the waiters of {@code finished}'s gid with the terminal record. */
  void complete(TxRecord finished) {
    Watch w = watches.get(finished.gid());
    if (w != null) {
      w.future.complete(finished);
    }
  }
}
