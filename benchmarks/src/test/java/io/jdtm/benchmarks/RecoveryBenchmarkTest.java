package io.jdtm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls the recovery benchmark's methods directly on a small backlog, on the stores that need no
 * server: every saga is finished, and the shares add up.
 */
class RecoveryBenchmarkTest {
  private static final int BACKLOG = 200;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2mem"})
  void drainAndBaseline_threeManagers_finishEverySaga(String store) throws Exception {
    RecoveryBenchmark b = new RecoveryBenchmark();
    b.store = store;
    b.managers = 3;
    b.backlog = BACKLOG;
    b.openStore();
    try {
      RecoveryBenchmark.Shares shares = new RecoveryBenchmark.Shares();
      b.prepare(true);
      assertThat(b.drain(shares)).isPositive();
      b.stopManagers();
      assertThat(shares.manager1 + shares.manager2 + shares.manager3).isEqualTo(BACKLOG);

      shares.reset();
      b.prepare(false);
      assertThat(b.drainBaseline(shares)).isPositive();
      b.stopManagers();
      assertThat(shares.manager1 + shares.manager2 + shares.manager3).isEqualTo(BACKLOG);
    } finally {
      b.closeStore();
    }
  }
}
