package io.jdtm.testkit.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A node's clock: the simulation's clock plus this node's skew, which can change. */
final class SkewedClock extends Clock {
  private final Clock base;
  private volatile Duration skew = Duration.ZERO;

  SkewedClock(Clock base) {
    this.base = base;
  }

  void skew(Duration skew) {
    this.skew = skew;
  }

  Duration skew() {
    return skew;
  }

  @Override
  public Instant instant() {
    return base.instant().plus(skew);
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    SkewedClock c = new SkewedClock(base.withZone(zone));
    c.skew = skew;
    return c;
  }
}
