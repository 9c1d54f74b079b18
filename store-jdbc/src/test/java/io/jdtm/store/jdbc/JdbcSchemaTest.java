package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JdbcSchemaTest {
  @Test
  void ddl_eachDialect_substitutesThePrefixEverywhere() {
    for (String dialect : new String[] {"h2", "postgresql", "mariadb", "mysql"}) {
      String ddl = JdbcSchema.ddl(dialect, "pay_");

      assertThat(ddl).as(dialect).doesNotContain("${prefix}")
          .contains("CREATE TABLE IF NOT EXISTS pay_tx (")
          .contains("progress    ").doesNotContain("pay_branch")
          .contains("CREATE TABLE IF NOT EXISTS pay_schema_version (")
          .contains("pay_tx_due");
    }
  }

  @Test
  void ddl_postgresql_hasPartialDueIndex() {
    assertThat(JdbcSchema.ddl("postgresql", "jdtm_"))
        .contains("ON jdtm_tx (next_due_at)\n  WHERE next_due_at IS NOT NULL");
  }

  @Test
  void ddl_invalidPrefixOrDialect_isRejectedByName() {
    assertThatThrownBy(() -> JdbcSchema.ddl("h2", "x;DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table prefix");
    assertThatThrownBy(() -> JdbcSchema.ddl("oracle", "jdtm_"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'oracle'");
  }

  @Test
  void run_dialectAndPrefix_printsTheDdl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = JdbcSchema.run(new String[] {"mysql", "app_"}, print(out), print(err));

    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(JdbcSchema.ddl("mariadb", "app_"));
    assertThat(err.size()).isZero();
  }

  @Test
  void run_noArguments_printsUsageAndFails() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = JdbcSchema.run(new String[0], print(new ByteArrayOutputStream()), print(err));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: JdbcSchema");
  }

  @Test
  void build_schemaAppliedByHandFromThePrintedDdl_opensWithoutCreateSchema() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keep = DriverManager.getConnection(url); Statement s = keep.createStatement()) {
      s.execute(JdbcSchema.ddl("h2", "dba_"));

      try (JdbcStore store = JdbcStore.builder().url(url).tablePrefix("dba_").build()) {
        assertThat(store.load("any")).isEmpty();
      }
    }
  }

  @Test
  void build_createSchemaTwice_isIdempotent() {
    String url = H2Stores.memoryUrl();
    try (JdbcStore first = JdbcStore.builder().url(url).createSchema(true).build();
        JdbcStore second = JdbcStore.builder().url(url).createSchema(true).build()) {
      assertThat(second.load("any")).isEmpty();
      assertThat(first.load("any")).isEmpty();
    }
  }

  @Test
  void barrierDdl_eachDialect_createsOnlyTheBarrierTableWithItsKey() {
    for (String dialect : new String[] {"h2", "postgresql", "mariadb", "mysql"}) {
      String ddl = JdbcSchema.barrierDdl(dialect, "pay_");

      assertThat(ddl).as(dialect).doesNotContain("${prefix}")
          .contains("CREATE TABLE IF NOT EXISTS pay_barrier (")
          .contains("PRIMARY KEY (trans_type, gid, branch_id, op, barrier_id)")
          .contains("created_at  BIGINT")
          .contains("pay_barrier_time")
          .doesNotContain("pay_tx", "pay_branch", "schema_version");
      assertThat(JdbcSchema.ddl(dialect, "pay_")).as(dialect).doesNotContain("barrier");
    }
  }

  @Test
  void ddl_longestPrefix_keepsEveryTableAndIndexNameWithin63Characters() {
    String prefix = "p".repeat(49);
    for (Dialect dialect : Dialect.values()) {
      Tables tables = new Tables(prefix);
      String all = Ddl.script(dialect, tables) + Ddl.barrierScript(dialect, tables);

      List<String> names = Pattern.compile(prefix + "\\w*").matcher(all).results()
          .map(MatchResult::group).distinct().toList();

      assertThat(names).as(dialect.name()).hasSizeGreaterThanOrEqualTo(6)
          .allSatisfy(name -> assertThat(name).hasSizeLessThanOrEqualTo(63));
    }
  }

  @Test
  void run_barrierFlag_printsTheBarrierDdl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = JdbcSchema.run(new String[] {"--barrier", "postgresql", "app_"}, print(out),
        print(err));

    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(JdbcSchema.barrierDdl("postgresql", "app_"));
    assertThat(err.size()).isZero();
  }

  @Test
  void run_barrierFlagAlone_printsUsageAndFails() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = JdbcSchema.run(new String[] {"--barrier"}, print(new ByteArrayOutputStream()),
        print(err));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: JdbcSchema [--barrier]");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
