package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.StoreCapability;
import io.jdtm.testkit.StderrCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 file store commits write-through (WRITE_DELAY=0) unless told otherwise, and declares
 * DURABLE only when the database confirms it does.
 */
class H2WriteThroughTest {
  @TempDir
  Path dir;

  @Test
  void open_h2FileUrl_commitsWriteThroughAndIsDurable() throws SQLException {
    String url = "jdbc:h2:file:" + dir.resolve("plain");
    try (JdbcStore store = JdbcStore.builder().url(url).createSchema(true).build()) {
      assertThat(writeDelays(url)).containsOnly("0");
      assertThat(store.capabilities()).contains(StoreCapability.DURABLE);
    }
  }

  @Test
  void open_h2FileUrlSettingWriteDelay_keepsItIsNotDurableAndWarns() throws SQLException {
    String url = "jdbc:h2:file:" + dir.resolve("delayed") + ";write_delay=100";
    List<JdbcStore> opened = new ArrayList<>();

    String warning = StderrCapture.during(() ->
        opened.add(JdbcStore.builder().url(url).createSchema(true).build()));

    try (JdbcStore store = opened.get(0)) {
      assertThat(writeDelays(url)).containsOnly("100");
      assertThat(store.capabilities()).doesNotContain(StoreCapability.DURABLE);
      assertThat(warning).contains("WARN", "not DURABLE", "WRITE_DELAY is 100 ms");
    }
  }

  @Test
  void open_h2FileDataSourceWithDefaultWriteDelay_isNotDurableAndWarns() {
    JdbcDataSource ds = dataSource("jdbc:h2:file:" + dir.resolve("given"));

    assertThat(capabilitiesAndWarning(ds))
        .satisfies(r -> assertThat(r.capabilities()).doesNotContain(StoreCapability.DURABLE))
        .satisfies(r -> assertThat(r.warning()).contains("not DURABLE", "WRITE_DELAY is 500 ms"));
  }

  @Test
  void open_h2FileDataSourceWriteThrough_isDurable() {
    JdbcDataSource ds = dataSource("jdbc:h2:file:" + dir.resolve("given0") + ";WRITE_DELAY=0");

    assertThat(capabilitiesAndWarning(ds))
        .satisfies(r -> assertThat(r.capabilities()).contains(StoreCapability.DURABLE))
        .satisfies(r -> assertThat(r.warning()).doesNotContain("not DURABLE"));
  }

  @Test
  void open_h2FileReopenedWithoutWriteThrough_isNotDurableThoughTheFileStoresIt() {
    String file = "jdbc:h2:file:" + dir.resolve("reopened");
    JdbcStore.builder().url(file).createSchema(true).build().close();

    Result r = capabilitiesAndWarning(dataSource(file));

    assertThat(r.capabilities()).doesNotContain(StoreCapability.DURABLE);
    assertThat(r.warning()).contains("WRITE_DELAY is 0 and 500 ms");
  }

  @Test
  void open_h2FileUrlAsNonAdmin_opensWithoutWriteThroughAndWarns() throws SQLException {
    String url = "jdbc:h2:file:" + dir.resolve("shared");
    JdbcStore.builder().url(url).createSchema(true).build().close();
    try (Connection admin = DriverManager.getConnection(url);
        Statement s = admin.createStatement()) {
      s.execute("CREATE USER app PASSWORD 'pw'");
      s.execute("GRANT ALL ON SCHEMA PUBLIC TO app");
    }
    List<JdbcStore> opened = new ArrayList<>();

    String warning = StderrCapture.during(() ->
        opened.add(JdbcStore.builder().url(url).credentials("app", "pw").build()));

    try (JdbcStore store = opened.get(0)) {
      assertThat(store.capabilities()).doesNotContain(StoreCapability.DURABLE);
      assertThat(warning).contains("not DURABLE", "WRITE_DELAY is 0 and 500 ms");
    }
  }

  @Test
  void url_h2FileNamingNoWriteDelay_getsWriteThrough() {
    assertThat(H2WriteThrough.url("jdbc:h2:./data/jdtm")).isEqualTo(
        "jdbc:h2:./data/jdtm;WRITE_DELAY=0");
    assertThat(H2WriteThrough.url("jdbc:h2:./data/jdtm;")).isEqualTo(
        "jdbc:h2:./data/jdtm;WRITE_DELAY=0");
  }

  @Test
  void url_memoryServerOtherDatabasesOrExplicitSetting_isLeftAlone() {
    for (String url : List.of("jdbc:h2:mem:jdtm", "jdbc:h2:tcp://db/mem:jdtm",
        "jdbc:h2:tcp://db/~/jdtm;AUTO_RECONNECT=TRUE", "jdbc:h2:ssl://db/~/jdtm",
        "jdbc:postgresql://db/app", "jdbc:h2:./jdtm;Write_Delay = 2000")) {
      assertThat(H2WriteThrough.url(url)).isEqualTo(url);
    }
  }

  @Test
  void open_h2FileUrlWithInitAllowed_runsItOnceKeepsWriteDelayAndWarns() throws SQLException {
    String url = "jdbc:h2:file:" + dir.resolve("init");
    String init = ";INIT=CREATE TABLE IF NOT EXISTS RUNS(X INT)\\;INSERT INTO RUNS VALUES (1)";
    List<JdbcStore> opened = new ArrayList<>();

    String warning = StderrCapture.during(() -> opened.add(JdbcStore.builder().url(url + init)
        .allowH2CodeSettings(true).maxPoolSize(1).createSchema(true).build()));

    try (JdbcStore store = opened.get(0); Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM RUNS")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("INIT runs once, for the pool's one connection").isEqualTo(1);
      assertThat(writeDelays(url)).containsOnly("500");
      assertThat(store.capabilities()).doesNotContain(StoreCapability.DURABLE);
      assertThat(warning).contains("not DURABLE", "WRITE_DELAY is 500 ms");
    }
  }

  private record Result(Set<StoreCapability> capabilities, String warning) {}

  private static Result capabilitiesAndWarning(JdbcDataSource ds) {
    List<JdbcStore> opened = new ArrayList<>();
    String warning = StderrCapture.during(() ->
        opened.add(JdbcStore.builder().dataSource(ds).createSchema(true).build()));
    try (JdbcStore store = opened.get(0)) {
      return new Result(store.capabilities(), warning);
    }
  }

  static JdbcDataSource dataSource(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return ds;
  }

  /** Every WRITE_DELAY row H2 lists for the (open) database at {@code url}. */
  static List<String> writeDelays(String url) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
            + "WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
