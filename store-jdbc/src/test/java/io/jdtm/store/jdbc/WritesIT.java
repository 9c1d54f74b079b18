package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.TestRecords;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
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
    List<String> statements = new CopyOnWriteArrayList<>();
    Jdbi jdbi = Jdbi.create(s.url(), s.user(), s.password()).setSqlLogger(new SqlLogger() {
      @Override
      public void logBeforeExecution(StatementContext ctx) {
        statements.add(ctx.getRenderedSql());
      }
    });
    Writes writes = new Writes(
        new Sql(Dialect.MARIADB, new Tables(tables.prefix()), true, "MySQL Connector/J"));
    TxRecord r = TestRecords.saga("writes-1", T0, T0);

    boolean first = jdbi.inTransaction(h -> writes.insert(h, r));
    statements.clear();
    boolean again = jdbi.inTransaction(h -> writes.insert(h, r));

    assertThat(first).isTrue();
    assertThat(again).isFalse();

    assertThat(statements).singleElement().asString().startsWith("SELECT 1 FROM");
    try (JdbcStore store = tables.open()) {
      assertThat(store.load(r.gid())).contains(r);
    }
  }
}
