package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchOp;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.Ledger;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TcpProxy;
import io.jdtm.testkit.TestParticipant;
import io.lettuce.core.RedisURI;
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
 * The store behind a {@link TcpProxy} to the shared Redis that stalls its connection (nothing
 * forwarded either way, the bytes delivered after the heal, as TCP would) and then cuts it
 * (connections reset), during a burst of submits.
 *
 * <p>Calls fail with {@link io.jdtm.StoreUnavailableException} within the command timeout
 * instead of hanging; the store works again after each heal without being reopened; a submit
 * that timed out during the stall may still be applied when the held bytes arrive (the caller
 * was told the outcome is unknown), and then finishes like the others; every acknowledged
 * transaction finishes, each step taking effect once.
 */
class RedisNetworkFaultIT {
  private static final int THREADS = 4;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
  private final ManualClock clock = new ManualClock();
  private final Ledger ledger = new Ledger();
  private final TestParticipant bankA = new TestParticipant("bankA", ledger);
  private final TestParticipant bankB = new TestParticipant("bankB", ledger);
  private final String prefix = RedisServers.uniquePrefix("netfault");
  private TcpProxy proxy;
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
    if (proxy != null) {
      proxy.close();
    }
    RedisServers.deleteKeys(RedisServers.sharedUri(), prefix);
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
  void stallThenCut_callsFailWithinTheTimeout_andEveryAcknowledgedTransactionFinishes() {
    RedisURI shared = RedisURI.create(RedisServers.sharedUri());
    proxy = TcpProxy.start(shared.getHost(), shared.getPort());
    store = RedisStore.builder().uri("redis://" + proxy.host() + ":" + proxy.port())
        .keyPrefix(prefix).commandTimeout(COMMAND_TIMEOUT).build();
    pool = Executors.newFixedThreadPool(4);
    TransactionManager submitter = manager("submitter", pool);

    SubmitBurst burst = new SubmitBurst(submitter, "n", THREADS);
    Duration slowestStalledFailure;
    try {
      burst.awaitMoreAcknowledged(200, Duration.ofSeconds(60));
      proxy.blackhole(); // stall
      burst.awaitMoreFailed(THREADS * 2, Duration.ofSeconds(30));
      slowestStalledFailure = burst.slowestFailure();
      proxy.heal();
      burst.awaitMoreAcknowledged(200, Duration.ofSeconds(60));
      proxy.reset(); // cut
      burst.awaitMoreFailed(THREADS * 2, Duration.ofSeconds(30));
      proxy.heal();
      burst.awaitMoreAcknowledged(200, Duration.ofSeconds(60)); // reconnected
    } finally {
      burst.stop();
    }
    submitter.halt();

    TransactionManager recoverer = manager("recoverer", Runnable::run);
    int passes = SubmitBurst.recoverAll(recoverer, clock, store, 1_000);

    Map<String, TxRecord> stored = SubmitBurst.all(store);
    Set<String> storedFailed = new HashSet<>(stored.keySet());
    storedFailed.retainAll(burst.failed);
    Set<String> attempted = new HashSet<>(burst.acknowledged);
    attempted.addAll(burst.failed);
    System.out.printf("Redis behind a stalling and cutting proxy: %d submits acknowledged, %d "
        + "failed (%d of those stored anyway), slowest failure while stalled %d ms, %d records "
        + "finished in %d recovery passes%n", burst.acknowledged.size(), burst.failed.size(),
        storedFailed.size(), slowestStalledFailure.toMillis(), stored.size(), passes);
    assertThat(slowestStalledFailure).isLessThan(COMMAND_TIMEOUT.plusSeconds(2));
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
