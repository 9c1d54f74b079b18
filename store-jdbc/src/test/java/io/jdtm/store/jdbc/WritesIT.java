package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.TestRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The create path MariaDB/MySQL takes through a driver other than MariaDB Connector/J. */
class WritesIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123Z");

  private final ServerTables tables = new ServerTables(TestServers::mariadb, "writes");

  @AfterEach
  void drop() {
    tables.drop();
  }

  @Test
  void insert_mariaDbThroughAnotherDriver_asksFirstAndReportsAnExistingGid()
      throws SQLException {
    tables.emptyStore().close(); // creates the tables
    TestServers.Server s = tables.server();
    StatementCounter counter = new StatementCounter();
    Writes writes = new Writes(
        new Sql(Dialect.MARIADB, new Tables(tables.prefix()), true, "MySQL Connector/J"));
    TxRecord r = TestRecords.saga("writes-1", T0, T0);

    boolean first;
    boolean again;
    try (Connection c = counter.wrap(s.connect())) {
      first = writes.insert(c, r);
      counter.clear();
      again = writes.insert(c, r);
    }

    assertThat(first).isTrue();
    assertThat(again).isFalse();

    assertThat(counter.statements()).singleElement().asString().startsWith("SELECT 1 FROM");
    try (JdbcStore store = tables.open()) {
      assertThat(store.load(r.gid())).contains(r);
    }
  }
}
