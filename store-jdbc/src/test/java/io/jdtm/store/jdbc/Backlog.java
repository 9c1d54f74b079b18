package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A backlog of due two-step sagas, as a crashed instance leaves them, drained by two managers
 * sharing one store; recovery is driven by hand and time never passes. Checks that every saga
 * succeeds, that each action took effect exactly once and no compensation ran, and that both
 * managers took part. Not thread-safe: one run per instance.
 */
final class Backlog {
  private static final Instant NOW = ManualClock.DEFAULT_START;
  private static final TxOptions OPTIONS =
      new TxOptions(null, Duration.ofSeconds(10), -1, Duration.ofSeconds(10), false);
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final TransactionStore store;
  private final int size;
  private final ManualClock clock = new ManualClock(NOW);
  private final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> effectsByManager = new ConcurrentHashMap<>();

  /** Timings of one run, in milliseconds. */
  record Timings(long createMillis, long drainMillis, int passes, Map<String, Integer> effects) {}

  Backlog(TransactionStore store, int size) {
    this.store = store;
    this.size = size;
  }

  /** Creates the backlog, drains it with two managers, checks the outcome. */
  Timings run() throws Exception {
    long t0 = System.nanoTime();
    createDue();
    long t1 = System.nanoTime();
    int passes = drain();
    long t2 = System.nanoTime();
    check();
    Map<String, Integer> byManager = new ConcurrentHashMap<>();
    effectsByManager.forEach((k, v) -> byManager.put(k, v.get()));
    return new Timings((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, passes, byManager);
  }

  private void createDue() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int part = 0; part < 4; part++) {
        int p = part;
        done.add(pool.submit(() -> IntStream.range(0, size).filter(i -> i % 4 == p)
            .forEach(i -> assertThat(store.create(record(i)).created()).isTrue())));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A SUBMITTED saga as {@code SagaRecords} stores it, leased by a node that died. */
  private static TxRecord record(int i) {
    byte[] payload = ("\"item-" + i + "\"").getBytes(StandardCharsets.UTF_8);
    return TxRecord.builder()
        .gid(gid(i)).mode(Mode.SAGA).status(TxStatus.SUBMITTED).version(1)
        .leaseOwner("crashed-node").leaseEpoch(1)
        .nextDueAt(NOW.minusSeconds(1)).createdAt(NOW.minusSeconds(60))
        .updatedAt(NOW.minusSeconds(60)).options(OPTIONS)
        .branches(List.of(
            BranchRecord.prepared("01", BranchOp.ACTION, "handler:reserve", payload, List.of()),
            BranchRecord.prepared("01", BranchOp.COMPENSATE, "handler:release", payload,
                List.of()),
            BranchRecord.prepared("02", BranchOp.ACTION, "handler:charge", payload, List.of()),
            BranchRecord.prepared("02", BranchOp.COMPENSATE, "handler:refund", payload,
                List.of())))
        .build();
  }

  private static String gid(int i) {
    return String.format("backlog-%05d", i);
  }

  /** Both managers run recovery passes until neither finds anything due; returns the passes. */
  private int drain() throws Exception {
    ExecutorService drivers = Executors.newFixedThreadPool(2);
    ExecutorService branchPoolA = Executors.newFixedThreadPool(3);
    ExecutorService branchPoolB = Executors.newFixedThreadPool(3);
    AtomicInteger passes = new AtomicInteger();
    try (TransactionManager a = manager("node-a", branchPoolA);
        TransactionManager b = manager("node-b", branchPoolB)) {
      List<Future<?>> done = new ArrayList<>();
      for (TransactionManager m : List.of(a, b)) {
        done.add(drivers.submit(() -> drive(m, passes)));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      drivers.shutdownNow();
      branchPoolA.shutdownNow();
      branchPoolB.shutdownNow();
    }
    return passes.get();
  }

  /**
   * Runs passes until every action took effect. A pass may find nothing while the other manager
   * holds its claim (H2 applies LIMIT before SKIP LOCKED), so an empty pass does not end the
   * drain; a bound on consecutive empty passes keeps a bug from spinning forever.
   */
  private void drive(TransactionManager m, AtomicInteger passes) {
    int emptyInARow = 0;
    while (effects.size() < 2 * size) {
      if (m.runRecoveryPass().size() > 0) {
        passes.incrementAndGet();
        emptyInARow = 0;
      } else if (++emptyInARow == 1_000_000) {
        throw new AssertionError(m.instanceId() + " found nothing due a million times in a row "
            + "with " + effects.size() + " of " + 2 * size + " effects done");
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private TransactionManager manager(String id, ExecutorService executor) {
    TransactionManager.Builder b = TransactionManager.builder().store(store).clock(clock)
        .executor(executor).instanceId(id).lease(LEASE).recoveryBatchSize(100);
    for (String handler : List.of("reserve", "release", "charge", "refund")) {
      b.handler(handler, String.class, (ctx, payload) -> {
        effects.computeIfAbsent(ctx.gid() + "/" + ctx.branchId() + "/" + ctx.op().wireName(),
            k -> new AtomicInteger()).incrementAndGet();
        effectsByManager.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        return Outcome.success();
      });
    }
    return b.build();
  }

  private void check() {
    assertThat(countWithStatus(TxStatus.SUCCEEDED)).as("sagas that succeeded").isEqualTo(size);
    assertThat(effects).as("one effect per action").hasSize(2 * size);
    assertThat(effects.keySet()).allMatch(k -> k.endsWith("/action"), "only actions ran");
    assertThat(effects.values()).allMatch(n -> n.get() == 1, "each effect exactly once");
    assertThat(effectsByManager).as("managers that ran branches")
        .containsOnlyKeys("node-a", "node-b");
    assertThat(store.claimDue(clock.instant().plus(LEASE.multipliedBy(2)), "late", LEASE, 10))
        .as("nothing left due").isEmpty();
  }

  private int countWithStatus(TxStatus status) {
    int count = 0;
    TxQuery q = TxQuery.all(TxQuery.MAX_LIMIT).withStatuses(Set.of(status))
        .withGidPrefix("backlog-");
    while (q != null) {
      TxPage page = store.query(q);
      count += page.records().size();
      q = page.next().map(q::after).orElse(null);
    }
    return count;
  }
}
