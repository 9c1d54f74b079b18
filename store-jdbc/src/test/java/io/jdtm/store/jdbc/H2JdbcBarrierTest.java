package io.jdtm.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

class H2JdbcBarrierTest extends JdbcBarrierContract {
  private final String url = H2Stores.memoryUrl();

  @Override
  protected JdbcBarrier.Builder builder() {
    return JdbcBarrier.builder().url(url).tablePrefix(prefix());
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  protected String prefix() {
    return "jdtm_";
  }
}
