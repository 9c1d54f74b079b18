package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog interrupts a call still running at its deadline, once, and clears that interrupt
 * when the call is disarmed; a call disarmed in time is never interrupted. Real time: an interrupt
 * is real concurrency, so the waits here are bounded, never timed assertions.
 */
class WatchdogTest {
  /** A liveness bound far above any deadline used here. */
  private static final long BOUND_SECONDS = 10;
  private static final long SHORT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Watchdog watchdog = new Watchdog("watchdog-test");

  @AfterEach
  void close() {
    watchdog.close();
    Thread.interrupted();
  }

  @Test
  void callHangingPastItsDeadline_isInterrupted_andTheInterruptIsClearedOnDisarm() {
    Watchdog.Watch watch = watchdog.arm(System.nanoTime() + SHORT_NANOS);

    Throwable hung = catchThrowable(() -> new CountDownLatch(1).await(BOUND_SECONDS,
        TimeUnit.SECONDS));

    assertThat(hung).isInstanceOf(InterruptedException.class);
    assertThat(watch.disarm()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void callIgnoringTheInterrupt_stillReportsTheOverrun_andLeavesTheThreadUninterrupted() {
    Watchdog.Watch watch = watchdog.arm(System.nanoTime() + SHORT_NANOS);
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() - bound < 0) {
      Thread.onSpinWait(); // a busy call that never looks at its interrupt
    }

    assertThat(watch.disarm()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void callDisarmedInTime_isNotInterrupted() {
    Watchdog.Watch watch = watchdog.arm(System.nanoTime() + TimeUnit.HOURS.toNanos(1));

    assertThat(watch.disarm()).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void nestedWatch_outerStillFiresAfterTheInnerIsDisarmed() throws InterruptedException {
    Watchdog.Watch outer = watchdog.arm(System.nanoTime() + SHORT_NANOS);
    Watchdog.Watch inner = watchdog.arm(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
    assertThat(inner.disarm()).isFalse();

    Throwable hung = catchThrowable(() -> new CountDownLatch(1).await(BOUND_SECONDS,
        TimeUnit.SECONDS));

    assertThat(hung).isInstanceOf(InterruptedException.class);
    assertThat(outer.disarm()).isTrue();
  }

  @Test
  void watchesOnManyThreads_eachFiresOnItsOwnThread() throws InterruptedException {
    int threads = 4;
    CountDownLatch interrupted = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        Watchdog.Watch watch = watchdog.arm(System.nanoTime() + SHORT_NANOS);
        try {
          new CountDownLatch(1).await(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          if (watch.disarm()) {
            interrupted.countDown();
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void callersOwnInterrupt_survivesAWatchThatFired() {
    Thread.currentThread().interrupt(); // the caller's, from before the call
    Watchdog.Watch watch = watchdog.arm(System.nanoTime() + SHORT_NANOS);
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!watch.fired() && System.nanoTime() - bound < 0) {
      Thread.onSpinWait();
    }

    assertThat(watch.disarm()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt").isTrue();
  }

  @Test
  void nestedWatchesBothFired_theOuterInterruptOutlivesTheInnerDisarm() {
    Watchdog.Watch outer = watchdog.arm(System.nanoTime() + SHORT_NANOS);
    Watchdog.Watch inner = watchdog.arm(System.nanoTime() + SHORT_NANOS);
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!(outer.fired() && inner.fired()) && System.nanoTime() - bound < 0) {
      Thread.onSpinWait();
    }

    assertThat(inner.disarm()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).as("still stopping the outer call").isTrue();
    assertThat(outer.disarm()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void close_firesTheWatchesStillArmed() {
    Watchdog.Watch watch = watchdog.arm(System.nanoTime() + TimeUnit.HOURS.toNanos(1));

    watchdog.close();

    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(watch.disarm()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
