package io.jdtm.it;

import io.jdtm.testkit.ManualClock;
import java.time.Instant;

/** Where every harness clock starts. */
final class ManualClockStart {
  static final Instant T0 = ManualClock.DEFAULT_START;

  private ManualClockStart() {}
}
