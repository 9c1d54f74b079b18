package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class PostgresBacklogIT {
  private static final Logger log = LoggerFactory.getLogger(PostgresBacklogIT.class);
  private static final ServerTables TABLES = new ServerTables(TestServers::postgres, "backlog");

  @AfterAll
  static void dropTables() {
    TABLES.drop();
  }

  @Test
  void runRecoveryPass_tenThousandDueSagasOnPostgresTwoManagers_allSucceedWithEachEffectOnce()
      throws Exception {
    try (JdbcStore store = TABLES.emptyStore()) {
      Backlog.Timings t = new Backlog(store, 10_000).run();

      log.info("PostgreSQL backlog of 10000: created in {} ms, drained in {} ms in {} passes, "
          + "effects {}", t.createMillis(), t.drainMillis(), t.passes(), t.effects());
      assertThat(t.effects()).hasSize(2);
    }
  }
}
