package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.Mode;
import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationReport;
import org.junit.jupiter.api.Test;

/**
 * XA transactions only, through crashes at every XA point, XA faults, store faults and in-doubt
 * scans, over the testkit's {@link MapStore}: I-12 (no in-doubt branch at quiescence, all or
 * nothing across the XA databases) and every other invariant hold.
 */
class XaSimulationTest {
  @Test
  void xaOnly_manySeedsWithCrashes_keepEveryInvariantAndReachEveryXaCrashPoint() {
    SimulationReport report = Simulation.on(MapStore::new).modes(Mode.XA).chains(80).steps(60)
        .run();
    System.out.println("xa " + report.describe());

    assertThat(report.violations()).isZero();
    assertThat(report.crashes()).containsKeys("BEFORE_XA_PREPARE", "AFTER_XA_PREPARE",
        "BEFORE_XA_PHASE_TWO", "AFTER_XA_PHASE_TWO");
    assertThat(report.chainsWithCrash()).isGreaterThan(report.chains() / 2);
    assertThat(report.succeeded()).isPositive();
    assertThat(report.failed()).isPositive();
    assertThat(report.succeeded() + report.failed()).isEqualTo(report.transactions());
    assertThat(report.xaFaults()).isPositive();
    assertThat(report.pauses()).isPositive();
  }
}
