package io.jdtm;

import java.time.Duration;
import java.util.Objects;

/** Argument checks with messages naming the setting and value. */
final class Check {
  static final Duration ONE_MILLI = Duration.ofMillis(1);
  static final Duration ONE_HOUR = Duration.ofHours(1);
  static final Duration ONE_DAY = Duration.ofDays(1);
  static final Duration TEN_YEARS = Duration.ofDays(3650);

  private Check() {}

  /** A duration from 1 ms to {@code max}. */
  static Duration between(Duration d, Duration max, String name) {
    return between(d, ONE_MILLI, max, name);
  }

  /** A duration from {@code min} to {@code max}. */
  static Duration between(Duration d, Duration min, Duration max, String name) {
    Objects.requireNonNull(d, name);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was "
          + d);
    }
    return d;
  }

  /** A positive duration (any length). */
  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }
}
