package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TxStatus;
import io.jdtm.testkit.TestRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoreErrorsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir
  Path dir;

  @Test
  void build_missingSchemaWithoutCreateSchema_namesTheTableAndTheRemedies() {
    assertThatThrownBy(() -> JdbcStore.builder().url(H2Stores.memoryUrl()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table jdtm_tx does not exist")
        .hasMessageContaining("createSchema(true)")
        .hasMessageContaining("#jdtm.createSchema=true")
        .hasMessageContaining("io.jdtm.store.jdbc.JdbcSchema h2 jdtm_");
  }

  @Test
  void build_oneTableMissing_namesThatTable() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keep = DriverManager.getConnection(url); Statement s = keep.createStatement()) {
      s.execute(JdbcSchema.ddl("h2", "jdtm_"));
      s.execute("DROP TABLE jdtm_schema_version");

      assertThatThrownBy(() -> JdbcStore.builder().url(url).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("table jdtm_schema_version does not exist");
    }
  }

  @Test
  void build_unreleasedSchemaVersion1_saysToDropTheTablesOrUseANewPrefix() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keep = DriverManager.getConnection(url); Statement s = keep.createStatement()) {
      s.execute("CREATE TABLE jdtm_tx (gid VARCHAR(128) PRIMARY KEY, status VARCHAR(16))");
      s.execute("CREATE TABLE jdtm_branch (gid VARCHAR(128), branch_id VARCHAR(128))");
      s.execute("CREATE TABLE jdtm_schema_version (version INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO jdtm_schema_version VALUES (1)");

      for (boolean create : new boolean[] {false, true}) {
        assertThatThrownBy(() -> JdbcStore.builder().url(url).createSchema(create).build())
            .as("createSchema(%s)", create)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("schema version 1").hasMessageContaining("never released")
            .hasMessageContaining("drop the tables jdtm_tx, jdtm_branch and jdtm_schema_version")
            .hasMessageContaining("use a new table prefix");
      }
      try (var rs = s.executeQuery("SELECT COUNT(*) FROM jdtm_schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).as("versions after the refused createSchema").isEqualTo(1);
      }
    }
  }

  @Test
  void build_newerSchemaVersion_asksForAnUpgrade() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keep = DriverManager.getConnection(url); Statement s = keep.createStatement()) {
      s.execute(JdbcSchema.ddl("h2", "jdtm_"));
      s.execute("INSERT INTO jdtm_schema_version VALUES (3)");

      assertThatThrownBy(() -> JdbcStore.builder().url(url).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("schema version 3").hasMessageContaining("upgrade jdtm");
    }
  }

  @Test
  void build_wrongPassword_isStoreUnavailableWithoutThePassword() {
    String url = "jdbc:h2:file:" + dir.resolve("secured");
    JdbcStore.builder().url(url).credentials("owner", "right-one").createSchema(true).build()
        .close();

    assertUnavailableWithoutSecret(() -> JdbcStore.builder().url(url)
        .credentials("owner", "hunter2").build(), "hunter2")
        .hasMessageContaining("cannot log in").hasMessageContaining("user name or password");
    assertUnavailableWithoutSecret(() -> JdbcStore.builder()
        .url(url + ";USER=owner;PASSWORD=hunter2").build(), "hunter2")
        .hasMessageContaining("cannot log in").hasMessageContaining("PASSWORD=***");
  }

  @Test
  void build_postgresUnreachable_isStoreUnavailableWithoutThePassword() {
    assertUnavailableWithoutSecret(() -> JdbcStore.builder()
        .url("jdbc:postgresql://127.0.0.1:1/test?user=app&password=hunter2").build(), "hunter2")
        .hasMessageContaining("cannot connect to jdbc:postgresql://127.0.0.1:1/test")
        .hasMessageContaining("password=***");
  }

  @Test
  void build_mariadbUnreachable_isStoreUnavailableWithoutThePassword() {
    assertUnavailableWithoutSecret(() -> JdbcStore.builder()
        .url("jdbc:mariadb://127.0.0.1:1/test").credentials("root", "hunter2").build(), "hunter2")
        .hasMessageContaining("cannot connect to jdbc:mariadb://127.0.0.1:1/test");
  }

  @Test
  void operations_afterTablesDropped_areStoreUnavailableNamingTheDatabase() throws Exception {
    String url = H2Stores.memoryUrl();
    try (JdbcStore store = JdbcStore.builder().url(url).createSchema(true).build();
        Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE jdtm_tx");

      assertThatThrownBy(() -> store.create(
          TestRecords.simple("g-1", Mode.SAGA, TxStatus.SUBMITTED, T0, T0)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("create failed on H2").hasMessageContaining("JDTM_TX");
      assertThatThrownBy(() -> store.load("g-1"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("[gid=g-1] load failed on H2");
    }
  }

  @Test
  void close_storeOnGivenDataSource_leavesTheDataSourceOpen() throws Exception {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(H2Stores.memoryUrl());
      JdbcStore store = JdbcStore.builder().dataSource(ds).createSchema(true).build();
      store.create(TestRecords.simple("g-ds", Mode.SAGA, TxStatus.SUBMITTED, T0, T0));

      store.close();

      assertThat(ds.isClosed()).isFalse();
      try (JdbcStore again = JdbcStore.builder().dataSource(ds).build()) {
        assertThat(again.load("g-ds")).isPresent();
      }
    }
  }

  @Test
  void build_onTheCallersJdbi_usesItAndLeavesItsDataSourceOpen() throws Exception {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(H2Stores.memoryUrl());
      org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(ds);
      try (JdbcStore store = JdbcStore.builder().jdbi(jdbi).createSchema(true).build()) {
        store.create(TestRecords.simple("g-jdbi", Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
        assertThat(store.claimDue(T0, "me", java.time.Duration.ofSeconds(1), 5)).hasSize(1);
      }

      assertThat(ds.isClosed()).isFalse();
      String owner = jdbi.withHandle(h -> h.createQuery(
          "SELECT lease_owner FROM jdtm_tx WHERE gid = 'g-jdbi'").mapTo(String.class).one());
      assertThat(owner).as("written through the caller's Jdbi").isEqualTo("me");
    }
  }

  @Test
  void build_dataSourceWithoutAutoCommit_stillCommitsEveryWrite() throws Exception {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(H2Stores.memoryUrl());
      ds.setAutoCommit(false);
      try (JdbcStore store = JdbcStore.builder().dataSource(ds).createSchema(true).build()) {
        store.create(TestRecords.simple("g-ac", Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
      }
      try (JdbcStore store = JdbcStore.builder().dataSource(ds).build()) {
        assertThat(store.load("g-ac")).isPresent();
        assertThat(store.claimDue(T0, "me", java.time.Duration.ofSeconds(1), 5)).hasSize(1);
      }
    }
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertUnavailableWithoutSecret(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String secret) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).as("stack trace with causes").doesNotContain(secret);
    return assertThat(thrown).isInstanceOf(StoreUnavailableException.class);
  }
}
