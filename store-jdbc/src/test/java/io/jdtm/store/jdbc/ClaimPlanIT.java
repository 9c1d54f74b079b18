package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.testkit.TestRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim's due-time lookup is served by the due index, on a table shaped like a long-running
 * store's: {@value #ROWS} records, most finished (no due time), some active but due later, a few
 * due now. The plans are of the exact statements the store runs ({@link Sql}), with the planner's
 * default settings and fresh statistics.
 */
class ClaimPlanIT {
  private static final Logger log = LoggerFactory.getLogger(ClaimPlanIT.class);
  private static final int ROWS = 50_000;
  private static final long NOW = 1_900_000_000_000L;
  private static final ServerTables POSTGRES = new ServerTables(TestServers::postgres, "plan");
  private static final ServerTables MARIADB = new ServerTables(TestServers::mariadb, "plan");

  @AfterAll
  static void dropTables() {
    POSTGRES.drop();
    MARIADB.drop();
  }

  @Test
  void claimReturning_postgresMostlyFinishedTable_scansTheDueIndexNotTheTable() throws Exception {
    String p = POSTGRES.prefix();
    POSTGRES.emptyStore().close();
    POSTGRES.execute(fill(p, "generate_series(1, " + ROWS + ") AS s(i)", "i", "'\\x0100'::bytea"),
        "ANALYZE " + p + "tx");
    Sql sql = new Sql(Dialect.POSTGRESQL, new Tables(p), true, "PostgreSQL JDBC Driver");

    String plan = explain(POSTGRES, "EXPLAIN " + sql.claimReturning,
        Map.of("owner", "planner", "until", NOW + 30_000, "now", NOW, "limit", 100));

    assertThat(plan).as(plan)
        .containsPattern("Index (Only )?Scan using " + p + "tx_due on " + p + "tx")
        .doesNotContain("Seq Scan on " + p + "tx");
  }

  @Test
  void claimCandidates_mariadbMostlyFinishedTable_rangeScansTheDueIndex() throws Exception {
    String p = MARIADB.prefix();
    MARIADB.emptyStore().close();
    MARIADB.execute(fill(p, "seq_1_to_" + ROWS, "seq", "X'0100'"), "ANALYZE TABLE " + p + "tx");
    Sql sql = new Sql(Dialect.MARIADB, new Tables(p), true, Sql.MARIADB_DRIVER);

    String plan = explain(MARIADB, "EXPLAIN FORMAT=JSON " + sql.claimCandidates,
        Map.of("now", NOW, "limit", 100));

    assertThat(plan).as(plan)
        .contains("\"key\": \"" + p + "tx_due\"")
        .contains("\"access_type\": \"range\"")
        .doesNotContain("\"access_type\": \"ALL\"");
  }

  /**
   * Inserts {@value #ROWS} records from a number series: 90% finished, 9% active and due later,
   * 1% due now.
   */
  /** Rows of records without branch ops: {@code empty} is the bytes literal of 0x0100. */
  private static String fill(String prefix, String series, String n, String empty) {
    String bucket = "MOD(" + n + ", 100)";
    return "INSERT INTO " + prefix + "tx (gid, mode, status, version, lease_owner, lease_epoch, "
        + "next_due_at, created_at, updated_at, reason, custom_data, options, branches, progress) "
        + "SELECT CONCAT('plan-', " + n + "), 'SAGA', "
        + "CASE WHEN " + bucket + " < 90 THEN 'SUCCEEDED' ELSE 'SUBMITTED' END, 1, NULL, 0, "
        + "CASE WHEN " + bucket + " < 90 THEN NULL WHEN " + bucket + " < 99 THEN "
        + (NOW + 3_600_000) + " + " + n + " ELSE " + NOW + " - " + n + " END, "
        + NOW + ", " + NOW + ", NULL, NULL, '" + TestRecords.OPTIONS.toWire() + "', " + empty
        + ", " + empty + " FROM " + series;
  }

  /** The plan of {@code explain}, its parameters bound as the store binds them. */
  private static String explain(ServerTables tables, String explain, Map<String, Object> binds)
      throws SQLException {
    try (Connection c = tables.server().connect(); Handle h = Jdbi.open(c)) {
      h.getConfig(SqlStatements.class).setTemplateEngine(TemplateEngine.NOP);
      List<String> lines = h.createQuery(explain).bindMap(binds).mapTo(String.class).list();
      String plan = String.join("\n", lines);
      log.info("{}\n{}", explain, plan);
      return plan;
    }
  }
}
