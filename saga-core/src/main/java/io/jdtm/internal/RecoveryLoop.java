package io.jdtm.internal;

import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * Claims due transactions and hands them to the engine, never more than the engine has room for.
 * Its first pass runs as soon as it starts (a restarted instance finds the backlog a crash left).
 * A pass that comes back with a full batch is followed by the next at once, while the engine has
 * room: a backlog drains as fast as the engine drives it, not one batch per poll interval. When
 * the engine is full, the loop waits until {@link #roomFreed()} says in-flight work dropped to
 * leave room for a batch ({@link #wakeRoom}), falling back to a poll interval; it never spins. A
 * pass that claims less than it asked for waits a poll interval (jittered +-20%).
 *
 * <p>When a pass fails, it backs off (doubling, up to 32 poll intervals) instead of spinning, and
 * keeps polling. That includes an {@link Error} from the store, a handler or a listener run on the
 * polling thread (an {@code AssertionError}, even an {@code OutOfMemoryError}): the loop is the
 * only thing that finishes abandoned transactions, so it must outlive such a failure, and backing
 * off gives a starved JVM room to recover. Thread-safe.
 */
final class RecoveryLoop {
  /** What {@link #pass()} returns when the engine has no room for the next batch. */
  static final long AWAIT_ROOM = -1;
  private static final Logger log = Logs.get(RecoveryLoop.class);
  private static final int MAX_BACKOFF_SHIFT = 5;
  private static final int STOP_WAIT_SECONDS = 5;

  private final Duration pollInterval;
  private final DoubleSupplier random;
  private final int batchSize;
  /** Room in the engine that wakes a loop waiting for room: a batch, or half of all there is. */
  private final int wakeRoom;
  private final IntSupplier room;
  private final IntFunction<List<TxRecord>> claim;
  private final Predicate<TxRecord> dispatch;
  private final Consumer<List<TxRecord>> handBack;
  private final String instanceId;
  /** Set while the loop waits for room, so that only then does {@link #roomFreed()} look. */
  private volatile boolean awaitingRoom;
  private ScheduledExecutorService timer;
  private ScheduledFuture<?> next;
  /** Passes failed in a row; touched only by the pass in progress (one at a time). */
  private int failures;

  /**
   * A loop that claims with {@code claim} (at most the limit it is given, what the store
   * returned) and hands each claimed record to {@code dispatch}, which answers false when it could
   * not take it (the executor refused it; it is then handed back to the store as due); the records
   * of the batch after it go to {@code handBack}, to be made due again for any instance.
   *
   * @param room how many more transactions the engine takes now
   * @param maxRoom the most room the engine ever has (its maximum in flight)
   */
  RecoveryLoop(String instanceId, Duration pollInterval, DoubleSupplier random, int batchSize,
      int maxRoom, IntSupplier room, IntFunction<List<TxRecord>> claim,
      Predicate<TxRecord> dispatch, Consumer<List<TxRecord>> handBack) {
    this.instanceId = instanceId;
    this.pollInterval = pollInterval;
    this.random = random;
    this.batchSize = batchSize;
    this.wakeRoom = Math.max(1, Math.min(batchSize, maxRoom / 2));
    this.room = room;
    this.claim = claim;
    this.dispatch = dispatch;
    this.handBack = handBack;
  }

  synchronized void start() {
    if (timer != null) {
      return;
    }
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(
        1, DefaultExecutors.daemonThreads("jdtm-recovery-" + instanceId + "-"));
    t.setRemoveOnCancelPolicy(true);
    timer = t;
    schedule(0);
  }

  /** Stops polling and waits briefly for a pass in progress, so nothing is claimed after. */
  void stop() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
      timer = null;
      next = null;
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

  /**
   * Tells a loop waiting for room that in-flight work dropped: when there is room for a batch
   * now, the next pass runs at once. Cheap when the loop is not waiting (one volatile read).
   */
  void roomFreed() {
    if (awaitingRoom && room.getAsInt() >= wakeRoom) {
      wake();
    }
  }

  private void wake() {
    synchronized (this) {
      if (!awaitingRoom) {
        return; // woken already, or a pass is running and decides what comes next
      }
      awaitingRoom = false;
    }
    schedule(0);
  }

  /** Runs the next pass after {@code delayMillis}, in place of any pass scheduled before. */
  private synchronized void schedule(long delayMillis) {
    if (timer == null) {
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    next = timer.schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** One pass; schedules the next. Package-private for tests. */
  void tick() {
    awaitingRoom = false;
    long delay = pass(); // never throws
    if (delay == AWAIT_ROOM) {
      schedule(jittered(pollInterval.toMillis())); // in case no work ends (a hung branch)
      awaitingRoom = true;
      roomFreed(); // room freed between the pass and now would otherwise go unnoticed
    } else {
      schedule(delay);
    }
  }

  /**
   * Claims once, as much as the engine has room for (up to a batch), and dispatches what it
   * claimed. Package-private for tests.
   *
   * @return the delay in milliseconds before the next pass: none after a full batch while the
   *     engine has room for another, a poll interval after a short one, a backoff after a
   *     failure; or {@link #AWAIT_ROOM} when the engine is full
   */
  long pass() {
    try {
      int free = room.getAsInt();
      if (free <= 0) {
        return AWAIT_ROOM;
      }
      int limit = Math.min(free, batchSize);
      List<TxRecord> claimed = claim.apply(limit);
      for (int i = 0; i < claimed.size(); i++) {
        if (!dispatch.test(claimed.get(i))) {
          handBack.accept(claimed.subList(i + 1, claimed.size()));
          // The executor refused it (the engine handed the rest back): back off like after a
          // failure rather than claiming the whole backlog only to refuse it.
          failures++;
          return nextDelayMillis();
        }
      }
      recovered();
      if (claimed.size() < limit) {
        return nextDelayMillis();
      }
      return room.getAsInt() >= wakeRoom ? 0 : AWAIT_ROOM;
    } catch (Throwable e) {
      failures++;
      if (failures == 1) {
        log.warn("recovery on {}: claiming due transactions failed; backing off: {}",
            instanceId, e.toString());
      }
      return nextDelayMillis();
    }
  }

  private void recovered() {
    if (failures > 0) {
      log.info("recovery on {}: store reachable again", instanceId);
    }
    failures = 0;
  }

  /**
   * The delay before the next pass after an empty or short pass, or a failed one: a poll
   * interval, doubled per failure in a row. Package-private for tests.
   */
  long nextDelayMillis() {
    return jittered(pollInterval.toMillis() << Math.min(failures, MAX_BACKOFF_SHIFT));
  }

  private long jittered(long base) {
    double jitter = 0.8 + 0.4 * random.getAsDouble();
    return Math.max(1, (long) (base * jitter));
  }
}
