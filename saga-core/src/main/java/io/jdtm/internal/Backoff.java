package io.jdtm.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Retry delays: exponential with jitter after calls without an answer, flat after ONGOING.
 * Thread-safe if the random source is.
 */
final class Backoff {
  /** Delays are multiplied by a factor drawn uniformly from [1 - JITTER, 1]. */
  static final double JITTER = 0.25;

  private final Duration max;
  private final DoubleSupplier random;

  Backoff(Duration max, DoubleSupplier random) {
    this.max = max;
    this.random = random;
  }

  /**
   * Delay before retrying at backoff level {@code level} (>= 1, the count of consecutive calls
   * without an answer): base x 2^level, capped, jittered. As in DTM, the interval doubles from the
   * first error: 2, 4, 8, ... x base.
   */
  Duration afterUnknown(Duration base, int level) {
    int shift = Math.min(Math.max(level, 0), 30);
    long millis = saturatedShift(base.toMillis(), shift);
    millis = Math.min(millis, max.toMillis());
    double factor = 1.0 - JITTER * random.getAsDouble();
    return Duration.ofMillis(Math.max(1, (long) (millis * factor)));
  }

  /** Delay before calling again after ONGOING. */
  Duration afterOngoing(Duration base) {
    return base.compareTo(max) > 0 ? max : base;
  }

  private static long saturatedShift(long value, int shift) {
    return value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift;
  }
}
