package io.jdtm.internal;

import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.slf4j.Logger;

/**
 * Claims due transactions every poll interval (jittered +-20%) and hands them to the engine,
 * never more than the engine has room for. When a pass fails, it backs off (doubling, up to 32
 * poll intervals) instead of spinning, and keeps polling. That includes an {@link Error} from the
 * store, a handler or a listener run on the polling thread (an {@code AssertionError}, even an
 * {@code OutOfMemoryError}): the loop is the only thing that finishes abandoned transactions, so
 * it must outlive such a failure, and backing off gives a starved JVM room to recover.
 * Thread-safe.
 */
final class RecoveryLoop {
  private static final Logger log = Logs.get(RecoveryLoop.class);
  private static final int MAX_BACKOFF_SHIFT = 5;
  private static final int STOP_WAIT_SECONDS = 5;

  private final Duration pollInterval;
  private final DoubleSupplier random;
  private final IntSupplier room;
  private final IntFunction<List<TxRecord>> claim;
  private final Consumer<TxRecord> dispatch;
  private final String instanceId;
  private ScheduledExecutorService timer;
  private int failures;

  RecoveryLoop(String instanceId, Duration pollInterval, DoubleSupplier random, IntSupplier room,
      IntFunction<List<TxRecord>> claim, Consumer<TxRecord> dispatch) {
    this.instanceId = instanceId;
    this.pollInterval = pollInterval;
    this.random = random;
    this.room = room;
    this.claim = claim;
    this.dispatch = dispatch;
  }

  synchronized void start() {
    if (timer != null) {
      return;
    }
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(
        1, DefaultExecutors.daemonThreads("jdtm-recovery-" + instanceId + "-"));
    t.setRemoveOnCancelPolicy(true);
    timer = t;
    schedule(nextDelayMillis());
  }

  /** Stops polling and waits briefly for a pass in progress, so nothing is claimed after. */
  void stop() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
      timer = null;
    }
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized void schedule(long delayMillis) {
    if (timer != null) {
      timer.schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** One pass; schedules the next. Package-private for tests. */
  void tick() {
    try {
      int free = room.getAsInt();
      if (free > 0) {
        List<TxRecord> claimed = claim.apply(free);
        claimed.forEach(dispatch);
      }
      if (failures > 0) {
        log.info("recovery on {}: store reachable again", instanceId);
      }
      failures = 0;
    } catch (Throwable e) {
      failures++;
      if (failures == 1) {
        log.warn("recovery on {}: claiming due transactions failed; backing off: {}",
            instanceId, e.toString());
      }
    } finally {
      schedule(nextDelayMillis());
    }
  }

  /** The delay before the next pass after the passes so far. Package-private for tests. */
  long nextDelayMillis() {
    long base = pollInterval.toMillis() << Math.min(failures, MAX_BACKOFF_SHIFT);
    double jitter = 0.8 + 0.4 * random.getAsDouble();
    return Math.max(1, (long) (base * jitter));
  }
}
