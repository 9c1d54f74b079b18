package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdtm.BranchOp;
import io.jdtm.JdtmException;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.StderrCapture;
import io.jdtm.testkit.TestRecords;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One corrupt stored record among healthy ones, on H2 (in memory), PostgreSQL and MariaDB: the
 * records are created through the store, then one row is corrupted with raw SQL. Claims must go on
 * returning every healthy due record, park the corrupt one instead of returning (or choking on)
 * it, and a load of it must name the gid, the column and the problem.
 */
class JdbcStoreUnreadableIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String SECRET = "payload-secret-5c1e";
  private static final List<ServerTables> USED = new ArrayList<>();

  @AfterAll
  static void dropTables() {
    USED.forEach(ServerTables::drop);
  }

  /** A value jdtm never writes, put into one record's rows. */
  enum Corruption {
    STATUS("tx.status", "holds 'BOGUS'", "UPDATE %1$stx SET status = 'BOGUS' WHERE gid = '%2$s'"),
    OPTIONS("tx.options", "not transaction options",
        "UPDATE %1$stx SET options = '{\"retry\": [1, 2' WHERE gid = '%2$s'"),
    // Format 1, one branch op (PREPARED, 0 attempts, no backoff, no flags) of the record's two.
    PROGRESS("tx.progress", "holds 1 branch ops, but branches holds 2",
        "UPDATE %1$stx SET progress = %3$s WHERE gid = '%2$s'", "010101000000"),
    BRANCHES("tx.branches", "holds format version 7, which this jdtm does not read",
        "UPDATE %1$stx SET branches = %3$s WHERE gid = '%2$s'", "0702"),
    // A claim adds one to both before it reads the row: the problem names no number.
    VERSION("tx.version", "it must be at least 1",
        "UPDATE %1$stx SET version = -5 WHERE gid = '%2$s'"),
    LEASE_EPOCH("tx.lease_epoch", "it must be at least 0",
        "UPDATE %1$stx SET lease_epoch = -100 WHERE gid = '%2$s'");

    private final String column;
    private final String problem;
    private final String sql;
    private final String hex;

    Corruption(String column, String problem, String sql) {
      this(column, problem, sql, "");
    }

    Corruption(String column, String problem, String sql, String hex) {
      this.column = column;
      this.problem = problem;
      this.sql = sql;
      this.hex = hex;
    }
  }

  /** A store on fresh tables, and raw SQL access to them. */
  private record Target(JdbcStore store, String prefix, ConnectionSource db, String kind) {
    /** Damages the stored record {@code gid} as {@code corruption} says. */
    void corrupt(Corruption corruption, String gid) {
      String bytes = kind.equals("postgres") ? "'\\x" + corruption.hex + "'::bytea"
          : "X'" + corruption.hex + "'";
      execute(String.format(corruption.sql, prefix, gid, bytes));
    }

    void execute(String sql) {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
      }
    }

    /** lease_owner and next_due_at of the record, as stored. */
    String leaseOf(String gid) {
      try (Connection c = db.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT lease_owner, next_due_at FROM " + prefix
              + "tx WHERE gid = '" + gid + "'")) {
        assertThat(rs.next()).as("row of " + gid).isTrue();
        return rs.getString(1) + " until " + Instant.ofEpochMilli(rs.getLong(2));
      } catch (SQLException e) {
        throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
      }
    }
  }

  @FunctionalInterface
  private interface ConnectionSource {
    Connection connect() throws SQLException;
  }

  private static Target open(String db, String purpose) {
    if (db.equals("h2")) {
      String url = H2Stores.memoryUrl();
      JdbcStore store = JdbcStore.builder().url(url).createSchema(true).build();
      return new Target(store, Tables.DEFAULT_PREFIX, () -> DriverManager.getConnection(url), db);
    }
    ServerTables t = new ServerTables(
        db.equals("postgres") ? TestServers::postgres : TestServers::mariadb, purpose);
    t.server(); // skips (or, on CI, fails) the test here when the server is missing
    synchronized (USED) {
      USED.add(t);
    }
    return new Target(t.emptyStore(), t.prefix(), () -> t.server().connect(), db);
  }

  static Stream<Arguments> databasesAndCorruptions() {
    return Stream.of("h2", "postgres", "mariadb")
        .flatMap(db -> Stream.of(Corruption.values()).map(c -> Arguments.of(db, c)));
  }

  /** A due saga whose every payload holds {@link #SECRET}, which no message may show. */
  private static TxRecord due(String gid, Instant due) {
    byte[] payload = ("{\"note\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8);
    return TestRecords.saga(gid, T0.minusSeconds(60), due).toBuilder()
        .branches(List.of(
            BranchRecord.prepared("01", BranchOp.ACTION, "handler:debit", payload, List.of()),
            BranchRecord.prepared("01", BranchOp.COMPENSATE, "handler:credit", payload,
                List.of())))
        .build();
  }

  private static List<String> gids(List<TxRecord> records) {
    return records.stream().map(TxRecord::gid).toList();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("databasesAndCorruptions")
  void claimDue_corruptRecordFirstInDueOrder_othersClaimedItParkedAndReportedOnce(
      String db, Corruption corruption) {
    Target t = open(db, "unread");
    try (JdbcStore store = t.store()) {
      store.create(due("bad", T0.minusSeconds(5)));
      for (int i = 1; i <= 4; i++) {
        store.create(due("ok-" + i, T0.minusSeconds(5 - i)));
      }
      t.corrupt(corruption, "bad");
      List<List<String>> passes = new ArrayList<>();

      String log = StderrCapture.during(() -> {
        for (int i = 0; i < 3; i++) {
          passes.add(gids(store.claimDue(T0, "node-a", LEASE, 3)));
        }
      });

      assertThat(passes.get(0)).as("first pass: the corrupt record took a slot")
          .containsExactlyInAnyOrder("ok-1", "ok-2");
      assertThat(passes.get(1)).containsExactlyInAnyOrder("ok-3", "ok-4");
      assertThat(passes.get(2)).isEmpty();
      assertThat(t.leaseOf("bad")).isEqualTo("(unreadable) until " + T0.plus(Claims.PARK));
      String column = t.prefix() + corruption.column;
      assertThat(log.lines().filter(l -> l.contains("ERROR") && l.contains("gid=bad")))
          .singleElement().asString()
          .contains(column, corruption.problem, "parked until " + T0.plus(Claims.PARK));
      assertThat(log).doesNotContain(SECRET);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("databasesAndCorruptions")
  void claimDue_afterTheHealthyLeasesRanOut_returnsThemButNotTheParkedRecord(
      String db, Corruption corruption) {
    Target t = open(db, "unread2");
    try (JdbcStore store = t.store()) {
      store.create(due("bad", T0.minusSeconds(5)));
      store.create(due("ok-1", T0.minusSeconds(4)));
      store.create(due("ok-2", T0.minusSeconds(3)));
      t.corrupt(corruption, "bad");
      assertThat(gids(store.claimDue(T0, "node-a", LEASE, 10)))
          .containsExactlyInAnyOrder("ok-1", "ok-2");

      Instant halfwayThrough = T0.plus(Claims.PARK.dividedBy(2));
      assertThat(gids(store.claimDue(halfwayThrough, "node-b", LEASE, 10)))
          .containsExactlyInAnyOrder("ok-1", "ok-2");

      Instant parkOver = T0.plus(Claims.PARK).plusSeconds(1);
      String log = StderrCapture.during(() ->
          assertThat(gids(store.claimDue(parkOver, "node-c", LEASE, 10)))
              .as("once the park is over the corrupt record is looked at again, and parked again")
              .containsExactlyInAnyOrder("ok-1", "ok-2"));
      assertThat(t.leaseOf("bad"))
          .isEqualTo("(unreadable) until " + parkOver.plus(Claims.PARK));
      assertThat(log).contains("WARN", "gid=bad", "still unreadable").doesNotContain("ERROR");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("databasesAndCorruptions")
  void loadAndQuery_corruptRecord_loadNamesGidColumnAndProblemQuerySkipsIt(
      String db, Corruption corruption) {
    Target t = open(db, "unread3");
    try (JdbcStore store = t.store()) {
      for (String gid : List.of("a-1", "bad", "z-1")) {
        store.create(due(gid, T0));
      }
      t.corrupt(corruption, "bad");

      JdtmException e = catchThrowableOfType(JdtmException.class, () -> store.load("bad"));

      assertThat(e).isNotNull();
      assertThat(e.gid()).isEqualTo("bad");
      assertThat(e).hasMessageContaining("[gid=bad]")
          .hasMessageContaining("unreadable")
          .hasMessageContaining(t.prefix() + corruption.column)
          .hasMessageContaining(corruption.problem)
          .hasMessageNotContaining(SECRET);
      assertThat(store.load("a-1")).contains(due("a-1", T0));
      assertThat(gids(store.query(TxQuery.all(10)).records())).containsExactly("a-1", "z-1");
      List<String> paged = new ArrayList<>();
      TxQuery q = TxQuery.all(1);
      for (int pages = 0; q != null; pages++) {
        assertThat(pages).as("pages").isLessThan(10);
        TxPage page = store.query(q);
        paged.addAll(gids(page.records()));
        q = page.next().map(q::after).orElse(null);
      }
      assertThat(paged).as("paging goes on past the corrupt record").containsExactly("a-1", "z-1");
    }
  }

  /**
   * Four instances claim at once from records of which every sixth is corrupt: each healthy
   * record is returned exactly once, no corrupt one ever, and every corrupt one ends parked.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "mariadb"})
  void claimDue_fourConcurrentClaimers_eachHealthyRecordOnceAndEveryCorruptOneParked(String db)
      throws Exception {
    Target t = open(db, "unread4");
    int size = 60;
    try (JdbcStore store = t.store()) {
      List<String> corrupt = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String gid = String.format("c-%03d", i);
        store.create(due(gid, T0.minusSeconds(size - i)));
        if (i % 6 == 0) {
          corrupt.add(gid);
          t.corrupt(Corruption.values()[i / 6 % Corruption.values().length], gid);
        }
      }
      Map<String, AtomicInteger> returned = new ConcurrentHashMap<>();
      int healthy = size - corrupt.size();

      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
          String owner = "node-" + n;
          done.add(pool.submit(() -> claimUntil(store, owner, returned, healthy)));
        }
        for (Future<?> f : done) {
          f.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(returned.keySet()).hasSize(healthy).doesNotContainAnyElementsOf(corrupt);
      assertThat(returned.values()).allMatch(n -> n.get() == 1, "each returned once");
      assertThat(store.claimDue(T0, "late", LEASE, 100)).isEmpty();
      for (String gid : corrupt) {
        assertThat(t.leaseOf(gid)).as(gid)
            .isEqualTo("(unreadable) until " + T0.plus(Claims.PARK));
      }
    }
  }

  /**
   * Claims until {@code target} records were returned in all. A pass may find nothing while other
   * claimers hold their rows (H2 applies LIMIT before SKIP LOCKED), so empty passes only end the
   * loop after a bound that keeps a bug from spinning forever.
   */
  private static void claimUntil(JdbcStore store, String owner,
      Map<String, AtomicInteger> returned, int target) {
    int empty = 0;
    while (returned.size() < target && empty < 100_000) {
      List<TxRecord> claimed = store.claimDue(T0, owner, LEASE, 5);
      claimed.forEach(r -> returned.computeIfAbsent(r.gid(), g -> new AtomicInteger())
          .incrementAndGet());
      empty = claimed.isEmpty() ? empty + 1 : 0;
    }
  }
}
