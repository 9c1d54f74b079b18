package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoreBuilderTest {
  @TempDir
  Path dir;

  @Test
  void tablePrefix_notAnIdentifier_isRejectedNamingIt() {
    for (String bad : new String[] {"", "1abc", "a-b", "a b", "x;DROP TABLE t", "ä_"}) {
      assertThatThrownBy(() -> JdbcStore.builder().tablePrefix(bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid table prefix");
    }
  }

  @Test
  void tablePrefix_tooLongForItsTableNames_isRejected() {
    String fifty = "p".repeat(50);

    assertThatThrownBy(() -> JdbcStore.builder().tablePrefix(fifty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must match [A-Za-z_][A-Za-z0-9_]{0,48}");
    assertThat(JdbcStore.builder().tablePrefix("p".repeat(49))).isNotNull();
  }

  /** Counts every connection asked of it: no connection, no statement. */
  static final class CountingDataSource implements javax.sql.DataSource {
    final java.util.concurrent.atomic.AtomicInteger connections =
        new java.util.concurrent.atomic.AtomicInteger();
    private final JdbcDataSource h2 = new JdbcDataSource();

    CountingDataSource(String url) {
      h2.setURL(url);
    }

    @Override
    public java.sql.Connection getConnection() throws java.sql.SQLException {
      connections.incrementAndGet();
      return h2.getConnection();
    }

    @Override
    public java.sql.Connection getConnection(String user, String password)
        throws java.sql.SQLException {
      connections.incrementAndGet();
      return h2.getConnection(user, password);
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return h2.getLogWriter();
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {
      h2.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) {
      h2.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
      return h2.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
      throw new java.sql.SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }

  @Test
  void maliciousTablePrefix_storeAndBarrier_executeNoStatement() {
    CountingDataSource ds = new CountingDataSource(H2Stores.memoryUrl());
    for (String bad : new String[] {"x;DROP TABLE t", "t --", "a'b", "jdtm_tx WHERE 1=1;"}) {
      assertThatThrownBy(() -> JdbcStore.builder().dataSource(ds).tablePrefix(bad)
          .createSchema(true).build()).as(bad).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> JdbcBarrier.builder().dataSource(ds).tablePrefix(bad)
          .createSchema(true).build()).as(bad).isInstanceOf(IllegalArgumentException.class);
    }

    assertThat(ds.connections.get()).as("connections asked for").isZero();
  }

  @Test
  void url_invalidPrefixOption_failsBeforeAnySql() {
    Path db = dir.resolve("never");

    assertThatThrownBy(() -> JdbcStore.builder()
        .url("jdbc:h2:file:" + db + "#jdtm.tablePrefix=9lives&jdtm.createSchema=true").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid table prefix '9lives'");
    assertThat(Files.exists(dir.resolve("never.mv.db"))).as("database file created").isFalse();
  }

  @Test
  void url_unsupportedScheme_isRejected() {
    assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:oracle:thin:@h:1521/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported JDBC URL");
  }

  @Test
  void url_unnamedH2Memory_isRejected() {
    assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:h2:mem:"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name it");
  }

  @Test
  void maxPoolSize_belowOne_isRejected() {
    assertThatThrownBy(() -> JdbcStore.builder().maxPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPoolSize");
  }

  @Test
  void build_noSourceOrTwo_isRejected() {
    assertThatThrownBy(() -> JdbcStore.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("0 are set");
    assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:h2:mem:a")
        .dataSource(new JdbcDataSource()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 are set");
  }

  @Test
  void build_credentialsWithDataSource_isRejected() {
    assertThatThrownBy(() -> JdbcStore.builder().dataSource(new JdbcDataSource())
        .credentials("sa", "x").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("DataSource");
  }

  @Test
  void capabilities_h2Memory_isNeitherDurableNorShared() {
    try (JdbcStore store = H2Stores.memory()) {
      assertThat(store.capabilities()).containsExactlyInAnyOrder(
          io.jdtm.spi.StoreCapability.BATCHED_APPLY, io.jdtm.spi.StoreCapability.CALLER_TRANSACTION);
    }
  }

  @Test
  void capabilities_h2FileAndAutoServer_areDurableAndSharedOnlyInServerMode() {
    String file = "jdbc:h2:file:" + dir.resolve("caps");
    try (JdbcStore store = JdbcStore.builder().url(file).createSchema(true).build()) {
      assertThat(store.capabilities()).containsExactlyInAnyOrder(
          io.jdtm.spi.StoreCapability.BATCHED_APPLY, io.jdtm.spi.StoreCapability.DURABLE,
          io.jdtm.spi.StoreCapability.CALLER_TRANSACTION);
    }
    try (JdbcStore store = JdbcStore.builder().url(file + ";AUTO_SERVER=TRUE").build()) {
      assertThat(store.capabilities()).containsExactlyInAnyOrder(
          io.jdtm.spi.StoreCapability.BATCHED_APPLY, io.jdtm.spi.StoreCapability.DURABLE,
          io.jdtm.spi.StoreCapability.SHARED_ACROSS_PROCESSES,
          io.jdtm.spi.StoreCapability.CALLER_TRANSACTION);
    }
  }

  @Test
  void timeouts_outOfRange_areRejectedNamingThem() {
    assertThatThrownBy(() -> JdbcStore.builder().connectTimeout(Duration.ofMillis(249)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> JdbcStore.builder().socketTimeout(Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socketTimeout");
    assertThatThrownBy(() -> JdbcStore.builder().socketTimeout(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socketTimeout");
  }

  @Test
  void build_timeoutsWithDataSource_isRejected() {
    assertThatThrownBy(() -> JdbcStore.builder().dataSource(new JdbcDataSource())
        .socketTimeout(Duration.ofSeconds(5)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("apply to a url");
  }

  @Test
  void url_timeoutOptions_areAppliedAndValidated() {
    try (JdbcStore store = JdbcStore.builder().url(H2Stores.memoryUrl()
        + "#jdtm.createSchema=true&jdtm.connectTimeout=2s&jdtm.socketTimeout=5s").build()) {
      assertThat(store.load("none")).isEmpty();
    }
    assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:h2:mem:t#jdtm.connectTimeout=10ms"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
  }
}
