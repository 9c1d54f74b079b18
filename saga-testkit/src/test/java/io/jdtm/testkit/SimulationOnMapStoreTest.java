package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationReport;
import org.junit.jupiter.api.Test;

/**
 * A short simulation over the testkit's own {@link MapStore}: what the simulation injects, and
 * that one seed gives one run. The full budget runs in integration-tests.
 */
class SimulationOnMapStoreTest {
  private static SimulationReport first;

  private static SimulationReport simulate() {
    return Simulation.on(MapStore::new).chains(40).steps(60).run();
  }

  private static synchronized SimulationReport first() {
    if (first == null) {
      first = simulate();
    }
    return first;
  }

  @Test
  void sameMasterSeed_reportsTheSameRun() {
    assertThat(simulate()).isEqualTo(first());
  }

  @Test
  void defaultPlans_slowStoreCallsAndCrashAroundLoads() {
    SimulationReport report = first();

    assertThat(report.violations()).isZero();
    assertThat(report.storeFaults()).isPositive();
    assertThat(report.storeDelays()).isPositive();
    assertThat(report.crashes()).containsKeys("BEFORE_LOAD", "AFTER_LOAD");
    assertThat(report.describe()).contains(report.storeDelays() + " slow store calls");
  }
}
