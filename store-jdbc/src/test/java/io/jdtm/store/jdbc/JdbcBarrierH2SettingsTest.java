package io.jdtm.store.jdbc;

import static io.jdtm.store.jdbc.H2CodeSettingsTest.tableRanExists;
import static io.jdtm.store.jdbc.H2WriteThroughTest.dataSource;
import static io.jdtm.store.jdbc.H2WriteThroughTest.writeDelays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.testkit.StderrCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The barrier's H2 databases get the store's protections: settings that run code at connect are
 * refused unless allowed, file URLs it opens commit write-through, and a given H2 file database
 * that does not is named in a WARN at build.
 */
class JdbcBarrierH2SettingsTest {
  /** Creates table RAN when it runs. */
  private static final String INIT = ";INIT=CREATE TABLE IF NOT EXISTS RAN(X INT)";

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {INIT, ";DATABASE_EVENT_LISTENER='java.lang.Object'",
      ";JAVA_OBJECT_SERIALIZER='java.lang.Object'"})
  void build_codeRunningSettingInUrl_refusedAsByTheStoreBeforeConnecting(String setting)
      throws SQLException {
    String url = H2Stores.memoryUrl();
    try (Connection keeper = DriverManager.getConnection(url)) {
      Throwable byStore = catchThrowable(() -> JdbcStore.builder().url(url + setting).build());

      assertThatThrownBy(() -> JdbcBarrier.builder().url(url + setting).createSchema(true).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(byStore.getMessage())
          .hasMessageContaining("which runs code")
          .hasMessageNotContaining("#jdtm.");
      assertThat(tableRanExists(keeper)).as("the setting did not run").isFalse();
    }
  }

  @Test
  void build_initWithUriOptionToAllowIt_refusedAsUnknownBeforeConnecting() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keeper = DriverManager.getConnection(url)) {
      assertThatThrownBy(() -> JdbcBarrier.builder()
          .url(url + INIT + "#jdtm.createSchema=true&jdtm.allowH2CodeSettings=true").build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown jdtm option 'jdtm.allowH2CodeSettings'");
      assertThat(tableRanExists(keeper)).as("the setting did not run").isFalse();
    }
  }

  @Test
  void build_initAllowedByBuilder_opensAndRunsIt() throws Exception {
    String url = H2Stores.memoryUrl();
    try (Connection keeper = DriverManager.getConnection(url);
        JdbcBarrier barrier = JdbcBarrier.builder().url(url + INIT).createSchema(true)
            .allowH2CodeSettings(true).build()) {
      assertThat(barrier.call(action(), c -> Outcome.success())).isEqualTo(Outcome.success());
      assertThat(tableRanExists(keeper)).isTrue();
    }
  }

  @Test
  void build_h2FileUrl_commitsWriteThroughWithoutWarning() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("plain");

    Built built = build(() -> JdbcBarrier.builder().url(url).createSchema(true).build());

    try (JdbcBarrier barrier = built.barrier()) {
      assertThat(barrier.call(action(), c -> Outcome.success())).isEqualTo(Outcome.success());
      assertThat(writeDelays(url)).containsOnly("0");
    }
    assertThat(built.log()).doesNotContain("WARN");
  }

  @Test
  void build_h2FileUrlSettingWriteDelay_keepsItAndWarnsOnce() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("delayed") + ";write_delay=100";

    String log = warningOfBuild(() -> JdbcBarrier.builder().url(url).createSchema(true).build(),
        () -> assertThat(writeDelays(url)).containsOnly("100"));

    assertThat(log).contains("WRITE_DELAY is 100 ms");
  }

  @Test
  void build_h2FileDataSourceWithDefaultWriteDelay_leavesItAndWarnsOnce() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("given");

    String log = warningOfBuild(
        () -> JdbcBarrier.builder().dataSource(dataSource(url)).createSchema(true).build(),
        () -> assertThat(writeDelays(url)).containsOnly("500"));

    assertThat(log).contains("WRITE_DELAY is 500 ms", "WRITE_DELAY=0");
  }

  @Test
  void build_h2FileDataSourceWriteThrough_doesNotWarn() {
    JdbcDataSource ds = dataSource("jdbc:h2:file:" + dir.resolve("given0") + ";WRITE_DELAY=0");

    Built built = build(() -> JdbcBarrier.builder().dataSource(ds).createSchema(true).build());

    built.barrier().close();
    assertThat(built.log()).doesNotContain("WARN");
  }

  @Test
  void build_h2MemoryDataSource_doesNotWarn() {
    JdbcDataSource ds = dataSource(H2Stores.memoryUrl());

    Built built = build(() -> JdbcBarrier.builder().dataSource(ds).createSchema(true).build());

    built.barrier().close();
    assertThat(built.log()).doesNotContain("WARN");
  }

  /** A barrier and what building it logged. */
  private record Built(JdbcBarrier barrier, String log) {}

  private static Built build(Supplier<JdbcBarrier> build) {
    List<JdbcBarrier> built = new ArrayList<>();
    String log = StderrCapture.during(() -> built.add(build.get()));
    return new Built(built.get(0), log);
  }

  /** Builds a barrier, runs {@code whileOpen} and a call, closes it; returns its one WARN line. */
  private static String warningOfBuild(Supplier<JdbcBarrier> build, ThrowingRunnable whileOpen)
      throws Exception {
    Built built = build(build);
    try (JdbcBarrier barrier = built.barrier()) {
      whileOpen.run();
      assertThat(barrier.call(action(), c -> Outcome.success())).isEqualTo(Outcome.success());
    }
    List<String> warnings = built.log().lines().filter(l -> l.contains("WARN")).toList();
    assertThat(warnings).singleElement().asString()
        .contains("jdtm barrier on H2", "not write-through");
    return warnings.get(0);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static BranchContext action() {
    return BranchContext.of("g-1", Mode.SAGA, "01", BranchOp.ACTION);
  }
}
