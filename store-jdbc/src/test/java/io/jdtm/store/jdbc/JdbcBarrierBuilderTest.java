package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Building a {@link JdbcBarrier} on H2, and the errors it gives before and during calls. */
class JdbcBarrierBuilderTest {
  /** A new delivery of one action: a context counts its barrier calls. */
  private static BranchContext action() {
    return BranchContext.of("g-1", Mode.SAGA, "01", BranchOp.ACTION);
  }

  @Test
  void tablePrefix_invalid_isRejectedBeforeAnySql() {
    JdbcBarrier.Builder builder = JdbcBarrier.builder().url("jdbc:postgresql://127.0.0.1:1/none");

    assertThatThrownBy(() -> builder.tablePrefix("x;DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table prefix");
    assertThatThrownBy(() -> builder.tablePrefix("p".repeat(50)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must match [A-Za-z_][A-Za-z0-9_]{0,48}");
  }

  @Test
  void build_noTableWithoutCreateSchema_namesTheTableAndTheRemedies() {
    String url = H2Stores.memoryUrl();

    assertThatThrownBy(() -> JdbcBarrier.builder().url(url).tablePrefix("pay_").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table pay_barrier does not exist")
        .hasMessageContaining("createSchema(true)")
        .hasMessageContaining("JdbcSchema --barrier h2 pay_");
  }

  @Test
  void build_createSchema_createsTheBarrierTableAloneAndIsIdempotent() throws Exception {
    String url = H2Stores.memoryUrl();
    try (JdbcBarrier first = JdbcBarrier.builder().url(url).createSchema(true).build();
        JdbcBarrier second = JdbcBarrier.builder().url(url).createSchema(true).build();
        Connection c = DriverManager.getConnection(url)) {
      assertThat(tables(c)).containsExactly("JDTM_BARRIER");
      assertThat(second.call(action(), c2 -> Outcome.success())).isEqualTo(Outcome.success());
      assertThat(first.call(action(), c2 -> Outcome.failure("must not run")))
          .isEqualTo(Outcome.success());
    }
  }

  @Test
  void url_withJdtmOptions_appliesThem() throws Exception {
    String url = H2Stores.memoryUrl();
    try (JdbcBarrier barrier = JdbcBarrier.builder()
        .url(url + "#jdtm.tablePrefix=opt_&jdtm.createSchema=true&jdtm.maxPoolSize=2").build();
        Connection c = DriverManager.getConnection(url)) {
      assertThat(tables(c)).containsExactly("OPT_BARRIER");
      assertThat(barrier.toString()).contains("opt_barrier").doesNotContain("#jdtm");
    }
  }

  @Test
  void build_tableAppliedByHandFromThePrintedDdl_opensWithoutCreateSchema() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keep = DriverManager.getConnection(url); Statement s = keep.createStatement()) {
      s.execute(JdbcSchema.barrierDdl("h2", "dba_"));

      try (JdbcBarrier barrier = JdbcBarrier.builder().url(url).tablePrefix("dba_").build()) {
        assertThat(barrier.queryPrepared("g-1").kind()).isEqualTo(Outcome.Kind.FAILURE);
      }
    }
  }

  @Test
  void build_anotherToolsTableOfTheSameName_isRejectedNamingTheColumns() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keep = DriverManager.getConnection(url); Statement s = keep.createStatement()) {
      s.execute("CREATE TABLE jdtm_barrier (id BIGINT PRIMARY KEY, trans_type VARCHAR(45), "
          + "gid VARCHAR(128), branch_id VARCHAR(128), op VARCHAR(45), barrier_id VARCHAR(45), "
          + "reason VARCHAR(45), create_time TIMESTAMP)");

      assertThatThrownBy(() -> JdbcBarrier.builder().url(url).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("jdtm_barrier").hasMessageContaining("lacks columns")
          .hasMessageContaining("CREATED_AT");
    }
  }

  @Test
  void build_dataSource_usesItAndLeavesItOpen() throws Exception {
    String url = H2Stores.memoryUrl();
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL(url);
    try (Connection keep = ds.getConnection()) {
      JdbcBarrier barrier = JdbcBarrier.builder().dataSource(ds).createSchema(true).build();
      barrier.close();

      assertThat(keep.isValid(1)).isTrue();
      assertThat(barrier.toString()).contains("the given DataSource", "jdtm_barrier");
    }
  }

  @Test
  void build_sourcesAndCredentialsMisconfigured_throwsNamingTheProblem() {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();

    assertThatThrownBy(() -> JdbcBarrier.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> JdbcBarrier.builder().url(H2Stores.memoryUrl()).dataSource(ds)
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> JdbcBarrier.builder().dataSource(ds).credentials("sa", "x").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("DataSource");
    assertThatThrownBy(() -> JdbcBarrier.builder().url("jdbc:sqlite:x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported");
    assertThatThrownBy(() -> JdbcBarrier.builder().url("jdbc:h2:mem:"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unnamed");
  }

  @Test
  void build_unreachableServer_throwsStoreUnavailableWithoutThePassword() {
    JdbcBarrier.Builder builder = JdbcBarrier.builder()
        .url("jdbc:postgresql://127.0.0.1:1/none?password=hunter2&connectTimeout=1")
        .connectTimeout(java.time.Duration.ofMillis(500));

    assertThatThrownBy(builder::build).isInstanceOf(StoreUnavailableException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void call_invalidIds_throwBeforeAnySqlOrBusiness() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (JdbcBarrier barrier = h2Barrier()) {
      for (BranchContext bad : new BranchContext[] {
          BranchContext.of("bad gid", Mode.SAGA, "01", BranchOp.ACTION),
          BranchContext.of("g", Mode.SAGA, "x".repeat(129), BranchOp.ACTION),
          BranchContext.of("g", Mode.SAGA, "01'--", BranchOp.ACTION),
          BranchContext.of("g", Mode.SAGA, "00", BranchOp.MSG),
          BranchContext.of("g", Mode.MSG, "01", BranchOp.MSG)}) {
        assertThatThrownBy(() -> barrier.call(bad, c -> {
          runs.incrementAndGet();
          return Outcome.success();
        })).as(bad.toString()).isInstanceOf(InvalidTransactionException.class);
      }
      assertThatThrownBy(() -> barrier.queryPrepared("no spaces"))
          .isInstanceOf(InvalidTransactionException.class);
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void call_tableDroppedAfterBuild_failsNamingTheCallTableAndRemedy() throws Exception {
    String url = H2Stores.memoryUrl();
    try (JdbcBarrier barrier = JdbcBarrier.builder().url(url).createSchema(true).build();
        Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP TABLE jdtm_barrier");

      assertThatThrownBy(() -> barrier.call(action(), x -> Outcome.success()))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("[gid=g-1 mode=saga branch=01 op=action barrier=01]")
          .hasMessageContaining("writing the barrier rows")
          .hasMessageContaining("jdtm_barrier missing")
          .hasMessageContaining("createSchema(true)");
    }
  }

  @Test
  void call_closedBarrier_throwsIllegalState() {
    JdbcBarrier barrier = h2Barrier();
    barrier.close();

    assertThatThrownBy(() -> barrier.call(action(), c -> Outcome.success()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> barrier.queryPrepared("g-1"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> barrier.purgeOlderThan(Instant.EPOCH))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void purgeOlderThan_emptyTable_deletesNothing() throws Exception {
    try (JdbcBarrier barrier = h2Barrier()) {
      assertThat(barrier.purgeOlderThan(Instant.now())).isZero();
    }
  }

  private static JdbcBarrier h2Barrier() {
    return JdbcBarrier.builder().url(H2Stores.memoryUrl()).createSchema(true).build();
  }

  private static java.util.List<String> tables(Connection c) throws SQLException {
    java.util.List<String> names = new java.util.ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
