package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
  @Test
  void classify_noSqlState_isNeitherRetryableNorAMissingTable() {
    // HikariCP's "connection is not available" after a silent network carries no SQLState.
    SQLException timeout = new SQLTransientConnectionException("request timed out", null, null);

    assertThat(SqlErrors.isRetryable(timeout)).isFalse();
    assertThat(SqlErrors.isMissingTable(timeout)).isFalse();
    assertThat(SqlErrors.isDuplicateKey(timeout)).isFalse();
    assertThat(SqlErrors.isAuthentication(timeout)).isFalse();
  }

  @Test
  void isRetryable_deadlockInTheChain_isTrue() {
    SQLException outer = new SQLException("batch failed", "08000");
    outer.setNextException(new SQLException("deadlock detected", "40P01"));

    assertThat(SqlErrors.isRetryable(outer)).isTrue();
  }
}
