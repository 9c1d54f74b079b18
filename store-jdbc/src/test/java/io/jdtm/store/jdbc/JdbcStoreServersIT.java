package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.Stores;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.StderrCapture;
import io.jdtm.testkit.TestRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class JdbcStoreServersIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123Z");
  private static final List<ServerTables> USED = new ArrayList<>();

  @AfterAll
  static void dropTables() {
    USED.forEach(ServerTables::drop);
  }

  private static ServerTables tables(String server, String purpose) {
    Supplier<TestServers.Server> s =
        server.equals("postgres") ? TestServers::postgres : TestServers::mariadb;
    ServerTables t = new ServerTables(s, purpose);
    t.server(); // skips (or, on CI, fails) the test here when the server is missing
    synchronized (USED) {
      USED.add(t);
    }
    return t;
  }

  private static String dialect(String server) {
    return server.equals("postgres") ? "postgresql" : "mariadb";
  }

  /**
   * Creating a gid that exists is the documented idempotent path (a submit or prepare repeated):
   * MariaDB's driver logged a WARN "Duplicate entry ... for key 'PRIMARY'" every time.
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void create_existingGid_logsNoWarningOrError(String server) {
    try (JdbcStore store = tables(server, "idem").emptyStore()) {
      TxRecord r = TestRecords.saga("idem-1", T0, T0);
      assertThat(store.create(r).created()).isTrue();

      String log = StderrCapture.during(() -> {
        assertThat(store.create(r).created()).isFalse();
        LoggerFactory.getLogger(JdbcStoreServersIT.class).warn("probe: the capture sees this");
      });

      assertThat(log.lines().filter(l -> l.contains("WARN") || l.contains("ERROR")))
          .singleElement().asString().contains("probe: the capture sees this");
    }
  }

  /** One round trip for the record row, whether the gid is new or exists (no SELECT first). */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void create_newOrExistingGid_touchesTheRecordTableWithOneStatement(String server) {
    ServerTables t = tables(server, "onestmt");
    t.emptyStore().close(); // creates the tables
    StatementCounter counter = new StatementCounter();
    TestServers.Server s = t.server();
    org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(() -> counter.wrap(s.connect()));
    try (JdbcStore store = JdbcStore.builder().jdbi(jdbi).tablePrefix(t.prefix()).build()) {
      TxRecord r = TestRecords.saga("one-1", T0, T0);
      counter.clear();
      assertThat(store.create(r).created()).isTrue();
      List<String> onCreate = counter.statements();
      counter.clear();
      assertThat(store.create(r).created()).isFalse();
      List<String> onExisting = counter.statements();

      String tx = " " + t.prefix() + "tx ";
      assertThat(onCreate).as("the create's statements").hasSize(1);
      assertThat(onCreate).filteredOn(q -> q.contains(tx)).singleElement().asString()
          .startsWith("INSERT");
      assertThat(onExisting).filteredOn(q -> q.contains(tx)).first().asString()
          .startsWith("INSERT");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void build_missingSchema_namesTheTableAndTheRemedies(String server) {
    ServerTables t = tables(server, "noschema");

    assertThatThrownBy(() -> t.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table " + t.prefix() + "tx does not exist")
        .hasMessageContaining("createSchema(true)")
        .hasMessageContaining("JdbcSchema " + dialect(server) + " " + t.prefix());
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void build_wrongCredentials_isStoreUnavailableWithoutThePassword(String server) {
    TestServers.Server s = tables(server, "creds").server();
    String user = server.equals("postgres") ? "jdtm_no_such_role" : s.user();

    Throwable thrown = catchThrowable(() -> JdbcStore.builder().url(s.url())
        .credentials(user, "hunter2-wrong").build());

    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain("hunter2");
    assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("cannot log in to " + s.url())
        .hasMessageContaining("refused the user name or password");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void build_schemaAppliedByHandFromThePrintedDdl_opensWithoutCreateSchema(String server)
      throws Exception {
    ServerTables t = tables(server, "dba");
    try (Connection c = t.server().connect(); Statement s = c.createStatement()) {
      for (String sql : Ddl.statements(Dialect.ofName(dialect(server)), new Tables(t.prefix()))) {
        s.execute(sql);
      }
    }
    t.created();

    try (JdbcStore store = t.builder().build();
        JdbcStore again = t.builder().createSchema(true).build()) {
      store.create(TestRecords.saga("dba-1", T0, T0));
      assertThat(again.load("dba-1")).contains(TestRecords.saga("dba-1", T0, T0));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void create_gidsDifferingOnlyInCase_areDistinctAndInCodePointOrder(String server) {
    try (JdbcStore store = tables(server, "case").emptyStore()) {
      List<String> gids = List.of("case-a", "Case-A", "CASE-b", "case-B", "case_c", "case-c");
      for (String gid : gids) {
        assertThat(store.create(TestRecords.simple(gid, Mode.SAGA, TxStatus.SUBMITTED, T0, T0))
            .created()).as(gid).isTrue();
      }

      List<String> listed = store.query(TxQuery.all(100)).records().stream()
          .map(TxRecord::gid).toList();

      assertThat(listed).containsExactlyElementsOf(gids.stream().sorted().toList());
      assertThat(store.query(TxQuery.all(100).withGidPrefix("case_")).records())
          .extracting(TxRecord::gid).containsExactly("case_c");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void create_twoMegabytePayload_roundTrips(String server) {
    byte[] payload = new byte[2 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    TxRecord r = TestRecords.simple("big-1", Mode.SAGA, TxStatus.SUBMITTED, T0, T0).toBuilder()
        .branches(List.of(BranchRecord.prepared("01", BranchOp.ACTION, "handler:x", payload,
            List.of())))
        .build();
    try (JdbcStore store = tables(server, "big").emptyStore()) {
      store.create(r);

      assertThat(store.load("big-1").orElseThrow().branches().get(0).payload())
          .isEqualTo(payload);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void load_writtenUnderColomboTimeZoneReadUnderUtc_sameInstantsToTheMillisecond(String server) {
    ServerTables t = tables(server, "tz");
    TimeZone original = TimeZone.getDefault();
    TxRecord r = TestRecords.saga("tz-1", T0, T0.plusMillis(1));
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Colombo"));
      try (JdbcStore store = t.emptyStore()) {
        store.create(r);
      }
      TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
      try (JdbcStore store = t.open()) {
        assertThat(store.load("tz-1")).contains(r);
      }
    } finally {
      TimeZone.setDefault(original);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mariadb"})
  void open_mysqlSchemeUri_usesTheMariaDbDriver(String server) {
    ServerTables t = tables(server, "mysql");
    TestServers.Server s = t.server();
    String url = s.url().replace("jdbc:mariadb:", "jdbc:mysql:") + "?user=" + s.user()
        + (s.password().isEmpty() ? "" : "&password=" + s.password())
        + "#jdtm.tablePrefix=" + t.prefix() + "&jdtm.createSchema=true";
    t.created();

    try (TransactionStore store = Stores.open(url)) {
      store.create(TestRecords.saga("mysql-1", T0, T0));

      assertThat(store.load("mysql-1")).isPresent();
    }
  }
}
