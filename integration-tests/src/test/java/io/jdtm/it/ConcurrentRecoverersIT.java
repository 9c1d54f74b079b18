package io.jdtm.it;

import io.jdtm.store.jdbc.ServerTables;
import io.jdtm.store.jdbc.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ConcurrentRecoverersIT {
  private static final ServerTables POSTGRES = new ServerTables(TestServers::postgres, "drain");
  private static final ServerTables MARIADB = new ServerTables(TestServers::mariadb, "drain");

  @AfterAll
  static void dropTables() {
    POSTGRES.drop();
    MARIADB.drop();
  }

  @Test
  void postgresql_threeRecoverers_drainTenThousandSagasWithNoDuplicateEffects() throws Exception {
    TestServers.postgres();
    ConcurrentRecoverers.drain(POSTGRES.emptyStore(), 10_000);
  }

  @Test
  void mariadb_threeRecoverers_drainTenThousandSagasWithNoDuplicateEffects() throws Exception {
    TestServers.mariadb();
    ConcurrentRecoverers.drain(MARIADB.emptyStore(), 10_000);
  }
}
