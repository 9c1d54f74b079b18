package io.jdtm.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchStatus;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.XaRecovery;
import io.jdtm.it.xa.PreparedXids;
import io.jdtm.it.xa.XaPostgres;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.store.jdbc.JdbcStore;
import io.jdtm.store.jdbc.TestServers;
import io.jdtm.testkit.AckFile;
import io.jdtm.testkit.StoreInvariants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Real processes, real SIGKILLs, real XA: {@link XaTransferWorker} JVMs move money between a bank
 * on PostgreSQL ({@link XaPostgres}, a private server with prepared transactions enabled) and a
 * bank on MariaDB in XA transactions, and are killed at random moments, again and again (inside
 * branches, between prepare and phase two, during phase two); once, mid-run, the PostgreSQL
 * server itself is killed with SIGKILL and restarted. Then a manager in this JVM drains every
 * transaction to a terminal state and scans for in-doubt branches, and the audit checks that
 * nothing of the run is left prepared on either database (I-12), that every global transaction
 * changed both banks or neither, and that money is conserved ({@link XaAudit}).
 *
 * <p>{@code -Djdtm.kill.count=N} sets the number of worker kills (default 15), {@code
 * -Djdtm.seed=S} the amounts and run times. The store is on the shared PostgreSQL (tables named
 * after the run); worker output goes to {@code target/xa-kill-nine/<prefix>/workers.log}.
 */
class XaKillNineIT {
  private static final int KILLS = Integer.getInteger("jdtm.kill.count", 15);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final int MIN_RUN_MILLIS = 300;
  private static final int MAX_RUN_MILLIS = 1500;
  private static final Duration SERVER_DOWN = Duration.ofMillis(300);

  private long seed;
  private Random random;
  private XaTransferWorker.Setup setup;
  private TestServers.Server mariadb;
  private Path acks;
  private Path refused;
  private Path log;
  private int preparedAtServerCrash = -1;

  @Test
  void workers_killedWithSigkillMidXaTransfers_leaveNothingInDoubtAndEveryTransferAllOrNothing()
      throws Exception {
    TestServers.Server pg = TestServers.postgres();
    mariadb = TestServers.mariadb();
    try (XaPostgres bankServer = XaPostgres.start()) {
      setUp(pg, bankServer);
      try {
        run(bankServer);
      } finally {
        cleanUp(pg, bankServer);
      }
    }
  }

  private void setUp(TestServers.Server pg, XaPostgres bankServer) throws Exception {
    seed = Long.getLong("jdtm.seed", System.nanoTime());
    random = new Random(seed);
    byte[] id = new byte[4];
    random.nextBytes(id);
    String tag = "xk" + HexFormat.of().formatHex(id);
    setup = new XaTransferWorker.Setup(pg.url(), pg.user(), pg.password(), tag + "_", tag,
        bankServer.jdbcUrl(), mariadb.url(), mariadb.user(), mariadb.password());
    Path dir = Files.createDirectories(Path.of("target", "xa-kill-nine", setup.prefix()));
    acks = dir.resolve("acknowledged.txt");
    refused = dir.resolve("refused.txt");
    log = dir.resolve("workers.log");
    for (Path p : List.of(acks, refused, log)) { // a run repeated with its seed starts afresh
      Files.deleteIfExists(p);
    }
    System.out.println("XaKillNineIT seed=" + seed + ", tables " + setup.prefix() + "*, log "
        + log);
  }

  private void run(XaPostgres bankServer) throws Exception {
    try (JdbcStore store = JdbcStore.builder().url(setup.storeUrl())
        .credentials(setup.storeUser(), setup.storePassword()).tablePrefix(setup.prefix())
        .createSchema(true).build()) {
      try (Connection a = bankServer.dataSource().getConnection(); Connection b = bankB()) {
        setup.bankA().create(a, XaTransferWorker.ACCOUNTS, XaTransferWorker.OPENING_BALANCE);
        setup.bankB().create(b, XaTransferWorker.ACCOUNTS, XaTransferWorker.OPENING_BALANCE);
      }
      int serverCrashAt = Math.max(1, KILLS / 2);
      for (int i = 1; i <= KILLS; i++) {
        runAndKill(i == serverCrashAt ? bankServer : null);
        System.out.println("after kill " + i + ", bank A's PostgreSQL: " + lockWaits(bankServer));
        assertThat(Audit.missing(store, AckFile.read(acks)))
            .as("acknowledged gids missing from the store after kill %d", i).isEmpty();
      }
      long unfinished = unfinished(store);
      XaRecovery recovery = drain(store, bankServer);
      audit(store, bankServer, unfinished, recovery);
    }
  }

  /** One worker: ready, runs, (once: the bank's server crashes and restarts), SIGKILLed. */
  private void runAndKill(XaPostgres crashServer) throws Exception {
    WorkerProcess worker = WorkerProcess.start(XaTransferWorker.class, log, setup.env(),
        args(Long.toString(random.nextLong())));
    try {
      assertThat(worker.awaitReady(READY_TIMEOUT)).as("worker %d ready; see %s", worker.pid(), log)
          .isTrue();
      assertThat(worker.runFor(runTime())).as("worker %d still running; see %s", worker.pid(),
          log).isTrue();
      if (crashServer != null) {
        try (Connection c = crashServer.dataSource().getConnection()) {
          preparedAtServerCrash = PreparedXids.onPostgres(c, setup.tag()).size();
        }
        crashServer.kill();
        assertThat(worker.runFor(SERVER_DOWN)).as("worker %d survives its database's crash; see "
            + "%s", worker.pid(), log).isTrue();
        crashServer.restart();
        assertThat(worker.runFor(runTime())).as("worker %d still running after the restart; see "
            + "%s", worker.pid(), log).isTrue();
      }
      assertThat(worker.kill()).as("exit status of worker %d after SIGKILL", worker.pid())
          .isEqualTo(WorkerProcess.SIGKILL_EXIT);
    } finally {
      worker.destroy();
    }
  }

  private Duration runTime() {
    return Duration.ofMillis(MIN_RUN_MILLIS + random.nextInt(MAX_RUN_MILLIS - MIN_RUN_MILLIS + 1));
  }

  private List<String> args(String workerSeed) {
    List<String> all = new ArrayList<>();
    all.add("run");
    all.addAll(setup.args());
    all.addAll(List.of(acks.toString(), refused.toString(),
        "w" + Long.toHexString(random.nextInt() & 0xffffL), workerSeed));
    return all;
  }

  private static long unfinished(JdbcStore store) {
    return unfinishedRecords(store).size();
  }

  /** A last manager, in this JVM: recovers until every transaction is terminal, then scans. */
  private XaRecovery drain(JdbcStore store, XaPostgres bankServer) {
    try (TransactionManager tm = XaTransferWorker.manager(setup, store)) {
      tm.start();
      try {
        Awaitility.await("every transaction of the run terminal")
            .atMost(DRAIN_TIMEOUT)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> unfinished(store) == 0);
      } catch (ConditionTimeoutException e) {
        List<TxRecord> open = unfinishedRecords(store);
        throw new AssertionError("not drained within " + DRAIN_TIMEOUT + " (seed " + seed + "): "
            + open.size() + " unfinished, such as:\n" + String.join("\n",
            open.stream().limit(5).map(XaKillNineIT::describe).toList()) + "\nbank A's "
            + "PostgreSQL: " + lockWaits(bankServer), e);
      }
      return tm.recoverXa();
    }
  }

  /** How many sessions of the bank's PostgreSQL wait for a lock, and their statements. */
  private static String lockWaits(XaPostgres server) {
    try (Connection c = server.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), string_agg(DISTINCT query, ' | ') FROM "
            + "pg_stat_activity WHERE wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getLong(1) + " sessions wait for a lock, running: " + rs.getString(2);
    } catch (SQLException e) {
      return "cannot tell which sessions wait (" + e.getMessage() + ")";
    }
  }

  private static List<TxRecord> unfinishedRecords(JdbcStore store) {
    return store.query(TxQuery.all(TxQuery.MAX_LIMIT).withStatuses(
        EnumSet.of(TxStatus.PREPARED, TxStatus.SUBMITTED, TxStatus.ABORTING))).records();
  }

  /** A record's gid and status, and its branch ops that have not succeeded, with their errors. */
  private static String describe(TxRecord r) {
    return r.gid() + " " + r.status() + " " + r.branches().stream()
        .filter(b -> b.status() != BranchStatus.SUCCEEDED)
        .map(b -> b.branchId() + "/" + b.op() + " " + b.status() + " x" + b.attempts() + ": "
            + b.lastError()).toList();
  }

  private void audit(JdbcStore store, XaPostgres bankServer, long unfinished, XaRecovery recovery)
      throws Exception {
    List<String> acknowledged = AckFile.read(acks);
    List<String> refusedGids = AckFile.read(refused);
    XaAudit audit;
    List<String> preparedA;
    List<String> preparedB;
    try (Connection a = bankServer.dataSource().getConnection(); Connection b = bankB()) {
      preparedA = PreparedXids.onPostgres(a, setup.tag());
      preparedB = PreparedXids.onMariaDb(b, setup.tag());
      audit = XaAudit.of(store, acknowledged, refusedGids,
          XaAudit.Books.read(setup.bankA(), a), XaAudit.Books.read(setup.bankB(), b),
          XaTransferWorker.ACCOUNTS.size() * XaTransferWorker.OPENING_BALANCE);
    }
    System.out.printf("XA kill -9 summary: kills %d (and one PostgreSQL crash with %d branches "
        + "prepared), transfers stored %d (unfinished before the drain %d), acknowledged %d, "
        + "refused %d, succeeded %d, failed %d, violations %d%n", KILLS, preparedAtServerCrash,
        audit.stored(), unfinished, acknowledged.size(), refusedGids.size(),
        audit.count(TxStatus.SUCCEEDED), audit.count(TxStatus.FAILED),
        audit.violations().size());
    assertThat(ofRun(recovery)).as("the final in-doubt scan's entries of this run").isEmpty();
    assertThat(preparedA).as("branches left prepared on PostgreSQL (I-12)").isEmpty();
    assertThat(preparedB).as("branches left prepared on MariaDB (I-12)").isEmpty();
    assertThat(audit.violations()).as("violations (seed %d)", seed).isEmpty();
    assertThat(acknowledged).as("transfers acknowledged").isNotEmpty();
    assertThat(refusedGids).as("transfers refused").isNotEmpty();
    StoreInvariants.check(store);
  }

  /** A plain connection to bank B's MariaDB. */
  private Connection bankB() throws SQLException {
    return setup.bankBDataSource().getConnection();
  }

  private List<String> ofRun(XaRecovery recovery) {
    return Stream.of(recovery.committed(), recovery.rolledBack(), recovery.left())
        .flatMap(List::stream).filter(e -> e.contains(setup.tag())).toList();
  }

  /** Rolls back what the run left prepared (a failed run), then drops its tables. */
  private void cleanUp(TestServers.Server pg, XaPostgres bankServer) throws Exception {
    try {
      PreparedXids.rollBack(setup.bankBDataSource(), setup.tag());
      try (Connection b = bankB()) {
        setup.bankB().drop(b);
      }
    } finally {
      new BankTables(pg.url(), pg.user(), pg.password(), setup.prefix()).dropAll();
    }
  }
}
