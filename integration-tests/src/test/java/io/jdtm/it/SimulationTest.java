package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.TransactionStore;
import io.jdtm.store.jdbc.H2Stores;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationReport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The seeded crash-recovery simulation on the local stores: the full budget on memory, a smaller
 * one on H2. Scale with {@code -Djdtm.sim.scale=N}; reproduce with {@code -Djdtm.sim.seed=S}.
 */
class SimulationTest {
  static SimulationReport simulate(String store, Supplier<TransactionStore> stores, int chains) {
    SimulationReport report = Simulation.on(stores).chains(chains).steps(60).run();
    System.out.println(store + " " + report.describe());
    assertThat(report.violations()).isZero();
    assertThat(report.chainsWithCrash()).isGreaterThan(report.chains() / 2);
    assertThat(report.succeeded() + report.failed()).isEqualTo(report.transactions());
    return report;
  }

  @Test
  void memoryStore_300ChainsOf60Steps_keepEveryInvariant() {
    SimulationReport report = simulate("memory", MemoryStore::new, 300);

    assertThat(report.crashes()).hasSizeGreaterThanOrEqualTo(9);
    assertThat(report.pauses()).isPositive();
    assertThat(report.rejectedWrites()).isPositive();
  }

  @Test
  void h2Store_40ChainsOf60Steps_keepEveryInvariant() {
    simulate("h2", H2Stores::memory, 40);
  }
}
