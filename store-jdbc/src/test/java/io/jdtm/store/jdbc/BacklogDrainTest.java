package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class BacklogDrainTest {
  private static final Logger log = LoggerFactory.getLogger(BacklogDrainTest.class);

  @Test
  void runRecoveryPass_tenThousandDueSagasOnH2TwoManagers_allSucceedWithEachEffectOnce()
      throws Exception {
    try (JdbcStore store = H2Stores.memory()) {
      Backlog.Timings t = new Backlog(store, 10_000).run();

      log.info("H2 backlog of 10000: created in {} ms, drained in {} ms in {} passes, effects {}",
          t.createMillis(), t.drainMillis(), t.passes(), t.effects());
      assertThat(t.effects()).hasSize(2);
    }
  }
}
