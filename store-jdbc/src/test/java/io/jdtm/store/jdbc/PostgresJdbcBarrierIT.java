package io.jdtm.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;

class PostgresJdbcBarrierIT extends JdbcBarrierContract {
  private static final ServerTables TABLES = new ServerTables(TestServers::postgres, "barrier");

  /** Skips (or, on CI, fails) the class when the server is missing, before the barrier opens. */
  @BeforeAll
  static void requireServer() {
    TestServers.postgres();
  }

  @Override
  protected JdbcBarrier.Builder builder() {
    TestServers.Server s = TABLES.server();
    return JdbcBarrier.builder().url(s.url()).credentials(s.user(), s.password())
        .tablePrefix(prefix());
  }

  @Override
  protected Connection connect() throws SQLException {
    return TABLES.server().connect();
  }

  @Override
  protected String prefix() {
    return TABLES.prefix();
  }
}
