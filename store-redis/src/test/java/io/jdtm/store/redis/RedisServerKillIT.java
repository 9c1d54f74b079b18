package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchOp;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.Ledger;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestParticipant;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code redis-server} with {@code appendonly yes} and {@code appendfsync always} killed with
 * SIGKILL in the middle of a burst of submits, then restarted on the same port and directory:
 * every transaction whose submit returned is still in the store and finishes.
 */
class RedisServerKillIT {
  private static final int THREADS = 4;
  private final ManualClock clock = new ManualClock();
  private final Ledger ledger = new Ledger();
  private final TestParticipant bankA = new TestParticipant("bankA", ledger);
  private final TestParticipant bankB = new TestParticipant("bankB", ledger);
  private RedisServers.Private server;
  private RedisStore store;
  private ExecutorService pool;

  @AfterEach
  void tearDown() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (store != null) {
      store.close();
    }
    if (server != null) {
      server.kill();
    }
  }

  private TransactionManager manager(String id, java.util.concurrent.Executor executor) {
    TransactionManager.Builder b = TransactionManager.builder().store(store).clock(clock)
        .instanceId(id).executor(executor).lease(Duration.ofSeconds(30))
        .retryInterval(Duration.ofSeconds(10)).random(new Random(42))
        .shutdownTimeout(Duration.ZERO);
    bankA.registerOn(b);
    bankB.registerOn(b);
    return b.build();
  }

  @Test
  void sigkillDuringSubmits_everyAcknowledgedTransactionSurvivesTheRestartAndFinishes() {
    server = RedisServers.start("kill", RedisServers.DURABLE);
    store = RedisStore.builder().uri(server.uri()).keyPrefix(RedisServers.uniquePrefix("kill"))
        .commandTimeout(Duration.ofSeconds(2)).build();
    assertThat(store.capabilities()).contains(StoreCapability.DURABLE);
    pool = Executors.newFixedThreadPool(4);
    TransactionManager submitter = manager("submitter", pool);

    SubmitBurst burst = new SubmitBurst(submitter, "k", THREADS);
    try {
      burst.awaitMoreAcknowledged(300, Duration.ofSeconds(60));
      server.kill(); // SIGKILL in the middle of the burst
      burst.awaitMoreFailed(THREADS * 5, Duration.ofSeconds(30));
      int acknowledgedWhileDown = burst.acknowledged.size();
      server.restart(); // same port and directory: the AOF is replayed
      burst.awaitMoreAcknowledged(200, Duration.ofSeconds(60)); // the store reconnected
      assertThat(burst.acknowledged.size()).isGreaterThan(acknowledgedWhileDown);
    } finally {
      burst.stop();
    }
    submitter.halt(); // what it was driving is left to recovery, as after a crash

    TransactionManager recoverer = manager("recoverer", Runnable::run);
    int passes = SubmitBurst.recoverAll(recoverer, clock, store, 1_000);

    Map<String, TxRecord> stored = SubmitBurst.all(store);
    Set<String> attempted = new HashSet<>(burst.acknowledged);
    attempted.addAll(burst.failed);
    Set<String> storedFailed = new HashSet<>(stored.keySet());
    storedFailed.retainAll(burst.failed);
    System.out.printf("Redis SIGKILL during a burst: %d submits acknowledged, %d failed (%d of "
        + "those stored anyway), %d records after restart, all finished in %d recovery passes%n",
        burst.acknowledged.size(), burst.failed.size(), storedFailed.size(), stored.size(),
        passes);
    assertThat(burst.failed).isNotEmpty();
    assertThat(stored.keySet()).containsAll(burst.acknowledged);
    assertThat(attempted).containsAll(stored.keySet());
    assertThat(stored).hasSize(burst.acknowledged.size() + storedFailed.size());
    assertThat(stored.values()).allSatisfy(r ->
        assertThat(r.status()).as(r.gid()).isEqualTo(TxStatus.SUCCEEDED));
    for (String gid : stored.keySet()) {
      assertThat(ledger.effects(gid, "01", BranchOp.ACTION)).as(gid).isEqualTo(1);
      assertThat(ledger.effects(gid, "02", BranchOp.ACTION)).as(gid).isEqualTo(1);
    }
    store.checkIntegrity();
  }
}
