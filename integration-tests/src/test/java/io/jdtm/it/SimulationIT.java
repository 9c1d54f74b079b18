package io.jdtm.it;

import io.jdtm.store.jdbc.ServerTables;
import io.jdtm.store.jdbc.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The crash-recovery simulation on the database servers, with a small budget. */
class SimulationIT {
  private static final ServerTables POSTGRES = new ServerTables(TestServers::postgres, "sim");
  private static final ServerTables MARIADB = new ServerTables(TestServers::mariadb, "sim");

  @AfterAll
  static void dropTables() {
    POSTGRES.drop();
    MARIADB.drop();
  }

  @Test
  void postgresql_15ChainsOf60Steps_keepEveryInvariant() {
    TestServers.postgres();
    SimulationTest.simulate("postgresql", POSTGRES::emptyStore, 15);
  }

  @Test
  void mariadb_15ChainsOf60Steps_keepEveryInvariant() {
    TestServers.mariadb();
    SimulationTest.simulate("mariadb", MARIADB::emptyStore, 15);
  }
}
