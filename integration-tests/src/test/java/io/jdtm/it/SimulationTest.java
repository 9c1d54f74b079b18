package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationReport;
import org.junit.jupiter.api.Test;

/** The seeded crash-recovery simulation on the memory store (other stores run smaller budgets). */
class SimulationTest {
  @Test
  void memoryStore_300ChainsOf60Steps_keepEveryInvariant() {
    SimulationReport report = Simulation.on(io.jdtm.store.memory.MemoryStore::new)
        .chains(300).steps(60).run();

    System.out.println(report.describe());
    assertThat(report.violations()).isZero();
    assertThat(report.chainsWithCrash()).isGreaterThan(report.chains() / 2);
    assertThat(report.crashes()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(report.succeeded() + report.failed()).isEqualTo(report.transactions());
  }
}
