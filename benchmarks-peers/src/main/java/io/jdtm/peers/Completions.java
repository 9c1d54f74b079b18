package io.jdtm.peers;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operations a peer runs on its own threads after the caller has handed them over: counts every
 * completion and lets a caller wait (at most 30 s) for the one it handed over. Thread-safe.
 */
final class Completions {
  private static final long TIMEOUT_SECONDS = 30;

  private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();
  private final AtomicLong count = new AtomicLong();

  /** Runs {@code handOver} for {@code id} and returns once {@link #complete} saw that id. */
  void handOverAndAwait(String id, Runnable handOver) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    awaited.put(id, done);
    handOver.run();
    done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  void complete(String id) {
    count.incrementAndGet();
    CompletableFuture<Void> done = awaited.remove(id);
    if (done != null) {
      done.complete(null);
    }
  }

  long count() {
    return count.get();
  }
}
