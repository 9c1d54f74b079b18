package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTest {
  private final Tables tables = new Tables("jdtm_");

  @Test
  void create_mariaDbThroughMariaDbConnectorJ_oneInsertReportsAnExistingGid() {
    Sql sql = new Sql(Dialect.MARIADB, tables, true, "MariaDB Connector/J");

    assertThat(sql.insertMarksExisting).isTrue();
    assertThat(sql.insertTx).endsWith(
        " ON DUPLICATE KEY UPDATE gid = IF(LAST_INSERT_ID(1) = 1, gid, NULL)");
    assertThat(sql.txExistsBeforeInsert).isNull();
  }

  @Test
  void create_mariaDbThroughMySqlConnectorJ_asksWhetherTheGidExistsFirst() {
    Sql sql = new Sql(Dialect.MARIADB, tables, true, "MySQL Connector/J");

    assertThat(sql.insertMarksExisting).isFalse();
    assertThat(sql.insertTx).doesNotContain("ON DUPLICATE KEY").endsWith("?, ?)");
    assertThat(sql.txExistsBeforeInsert)
        .isEqualTo("SELECT 1 FROM " + tables.tx() + " WHERE gid = ?");
  }

  @Test
  void marksExisting_driverNames_onlyMariaDbConnectorJOnMariaDb() {
    assertThat(Sql.marksExisting(Dialect.MARIADB, "MariaDB Connector/J")).isTrue();
    assertThat(Sql.marksExisting(Dialect.MARIADB, "MySQL Connector/J")).isFalse();
    assertThat(Sql.marksExisting(Dialect.MARIADB, "MySQL Connector Java")).isFalse();
    assertThat(Sql.marksExisting(Dialect.MARIADB, null)).isFalse();
    assertThat(Sql.marksExisting(Dialect.POSTGRESQL, "MariaDB Connector/J")).isFalse();
    assertThat(Sql.marksExisting(Dialect.H2, "H2 JDBC Driver")).isFalse();
  }

  @Test
  void create_postgresqlAndH2_neitherMarksNorAsksFirst() {
    Sql pg = new Sql(Dialect.POSTGRESQL, tables, true, "PostgreSQL JDBC Driver");
    Sql h2 = new Sql(Dialect.H2, tables, true, "H2 JDBC Driver");

    assertThat(pg.insertTx).endsWith(" ON CONFLICT (gid) DO NOTHING");
    assertThat(pg.insertMarksExisting).isFalse();
    assertThat(pg.txExistsBeforeInsert).isNull();
    assertThat(h2.insertTx)
        .endsWith("branches, progress) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    assertThat(h2.insertMarksExisting).isFalse();
    assertThat(h2.txExistsBeforeInsert).isNull();
  }
}
