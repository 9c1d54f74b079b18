package io.jdtm.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import io.jdtm.store.jdbc.JdbcStore;
import io.jdtm.store.jdbc.TestServers;
import io.jdtm.testkit.AckFile;
import io.jdtm.testkit.StoreInvariants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Real processes, real SIGKILLs: {@link TransferWorker} JVMs move money between accounts in
 * PostgreSQL through sagas and are killed at random moments, again and again; then one more
 * worker drains, and the bank and the store are audited. {@code -Djdtm.kill.count=N} sets the
 * number of kills (default 20), {@code -Djdtm.seed=S} the amounts and run times. Worker output
 * goes to {@code target/kill-nine/<prefix>/workers.log}.
 */
class KillNineIT {
  private static final int KILLS = Integer.getInteger("jdtm.kill.count", 20);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);
  private static final int MIN_RUN_MILLIS = 300;
  private static final int MAX_RUN_MILLIS = 1500;

  private TestServers.Server pg;
  private long seed;
  private Random random;
  private BankTables tables;
  private Path acks;
  private Path log;

  @Test
  void workers_killedWithSigkillMidTransfers_loseNothingAcknowledgedAndConserveMoney()
      throws Exception {
    setUp();
    Map<String, Long> opening = new LinkedHashMap<>();
    TransferWorker.ACCOUNTS.forEach(a -> opening.put(a, TransferWorker.OPENING_BALANCE));
    try (JdbcStore store = JdbcStore.builder().url(pg.url()).credentials(pg.user(), pg.password())
        .tablePrefix(tables.prefix()).createSchema(true).build()) {
      tables.create(opening);

      for (int i = 1; i <= KILLS; i++) {
        runAndKill();
        assertThat(Audit.missing(store, AckFile.read(acks)))
            .as("acknowledged gids missing from the store after kill %d", i).isEmpty();
      }
      long unfinished = store.query(TxQuery.all(TxQuery.MAX_LIMIT).withStatuses(
          EnumSet.of(TxStatus.SUBMITTED, TxStatus.ABORTING))).records().size();
      assertThat(WorkerProcess.start(log, pg.password(), args("drain")).awaitExit(DRAIN_TIMEOUT))
          .as("drain worker's exit status; see %s", log).isZero();

      List<String> acknowledged = AckFile.read(acks);
      Audit audit = Audit.of(tables, store, acknowledged,
          opening.values().stream().mapToLong(Long::longValue).sum());
      System.out.printf("kill -9 summary: kills survived %d, transfers acknowledged %d (stored "
          + "%d, unfinished before the drain %d), succeeded %d, failed %d, moves %d, violations "
          + "%d%n", KILLS, acknowledged.size(), audit.stored(), unfinished,
          audit.count(TxStatus.SUCCEEDED), audit.count(TxStatus.FAILED), audit.moves(),
          audit.violations().size());
      assertThat(audit.violations()).as("violations (seed %d)", seed).isEmpty();
      assertThat(acknowledged).as("transfers acknowledged").isNotEmpty();
      assertThat(audit.count(TxStatus.FAILED)).as("refused transfers").isPositive();
      StoreInvariants.check(store);
    } finally {
      tables.dropAll();
    }
  }

  /** Skips (on CI, fails) without PostgreSQL; names this run's tables and files. */
  private void setUp() throws Exception {
    pg = TestServers.postgres();
    seed = Long.getLong("jdtm.seed", System.nanoTime());
    random = new Random(seed);
    byte[] id = new byte[4];
    random.nextBytes(id);
    String prefix = "it_kill_" + HexFormat.of().formatHex(id) + "_";
    tables = new BankTables(pg.url(), pg.user(), pg.password(), prefix);
    Path dir = Files.createDirectories(Path.of("target", "kill-nine", prefix));
    acks = dir.resolve("acknowledged.txt");
    log = dir.resolve("workers.log");
    System.out.println("KillNineIT seed=" + seed + ", tables " + prefix + "*, log " + log);
  }

  private void runAndKill() throws Exception {
    Duration runTime =
        Duration.ofMillis(MIN_RUN_MILLIS + random.nextInt(MAX_RUN_MILLIS - MIN_RUN_MILLIS + 1));
    WorkerProcess worker = WorkerProcess.start(log, pg.password(),
        args("run", acks.toString(), Long.toString(random.nextLong())));
    try {
      assertThat(worker.awaitReady(READY_TIMEOUT)).as("worker %d ready; see %s", worker.pid(), log)
          .isTrue();
      assertThat(worker.runFor(runTime)).as("worker %d still running; see %s", worker.pid(), log)
          .isTrue();
      assertThat(worker.kill()).as("exit status of worker %d after SIGKILL", worker.pid())
          .isEqualTo(WorkerProcess.SIGKILL_EXIT);
    } finally {
      worker.destroy();
    }
  }

  private List<String> args(String mode, String... more) {
    List<String> all = new ArrayList<>(List.of(mode, pg.url(), pg.user(), tables.prefix()));
    all.addAll(List.of(more));
    return all;
  }
}
