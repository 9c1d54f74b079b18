package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.BranchUpdate;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TransactionStore} passes. A store module extends it with a nearly
 * empty subclass that says how to open an empty store:
 *
 * <pre>{@code
 * class MemoryStoreContractTest extends TransactionStoreContract {
 *   protected TransactionStore newStore() { return new MemoryStore(); }
 * }
 * }</pre>
 *
 * <p>Tests of optional behaviour run only for stores that declare the {@link StoreCapability}
 * (they show as skipped otherwise). After every test, {@link StoreInvariants} and {@link
 * #checkStoreSpecificInvariants} are checked.
 *
 * <p>Needs JUnit Jupiter (5.x or 6.x; it uses only {@code Test}, {@code BeforeEach}, {@code
 * AfterEach} and {@code Assumptions}) and AssertJ on your test class path: saga-testkit declares
 * both optional, so that it never changes the versions your project uses.
 *
 * <p>Not thread-safe: JUnit gives each test a fresh instance of the subclass.
 */
public abstract class TransactionStoreContract {
  protected static final Instant T0 = ManualClock.DEFAULT_START;
  protected static final Duration LEASE = Duration.ofSeconds(30);
  private static final int KILLS = 10;

  protected TransactionStore store;

  /**
   * A new, empty store (for shared servers: the test's own, emptied tables or keys). May be called
   * again within a test after the previous store was closed.
   */
  protected abstract TransactionStore newStore();

  /**
   * The same store opened again after {@code closed} was closed, for stores declaring {@link
   * StoreCapability#DURABLE}.
   */
  protected TransactionStore reopen(TransactionStore closed) {
    throw new UnsupportedOperationException("declare how to reopen a durable store");
  }

  /**
   * A URI {@link io.jdtm.Stores#open} accepts in another JVM with this JVM's class path to open
   * the same store as {@code store}, for stores declaring {@link StoreCapability#DURABLE}. It
   * reaches the child through its environment, never its command line, so it may hold a password.
   *
   * @return the URI, or {@code null} (the default) to skip the SIGKILL case, e.g. for a store
   *     {@code Stores.open} cannot open
   */
  protected String storeUri(TransactionStore store) {
    return null;
  }

  /** Store-specific consistency checks run after every test; none by default. */
  protected void checkStoreSpecificInvariants(TransactionStore store) {}

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void checkAndClose() {
    if (store == null) {
      return; // newStore() failed or was skipped; the test already reported why
    }
    try {
      StoreInvariants.check(store);
      checkStoreSpecificInvariants(store);
    } finally {
      store.close();
    }
  }

  private static String gid(String name) {
    return "contract-" + name;
  }

  // ---- create / load --------------------------------------------------------------------

  @Test
  void create_newGid_storesRecordExactly() {
    TxRecord r = TestRecords.saga(gid("a"), T0, T0.plusSeconds(30));

    CreateResult result = store.create(r);

    assertThat(result.created()).isTrue();
    assertThat(store.load(r.gid())).contains(r);
    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded.branches()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(loaded.branches().get(i).payload()).isEqualTo(r.branches().get(i).payload());
      assertThat(loaded.branches().get(i).dependsOn()).isEqualTo(r.branches().get(i).dependsOn());
    }
    assertThat(loaded.options()).isEqualTo(r.options());
    assertThat(loaded.customData()).isEqualTo(r.customData());
    assertThat(loaded.leaseOwner()).isEqualTo("owner-1");
  }

  @Test
  void create_existingGid_returnsStoredRecordAndChangesNothing() {
    TxRecord first = TestRecords.saga(gid("dup"), T0, T0.plusSeconds(30));
    store.create(first);
    TxRecord other = TestRecords.simple(gid("dup"), Mode.TCC, TxStatus.PREPARED, T0, T0);

    CreateResult again = store.create(other);

    assertThat(again.created()).isFalse();
    assertThat(again.record()).isEqualTo(first);
    assertThat(store.load(first.gid())).contains(first);
  }

  @Test
  void create_sameGidConcurrently_exactlyOneCreates() throws Exception {
    int threads = 8;
    List<Boolean> results = race(threads, i -> store.create(
        TestRecords.simple(gid("race"), Mode.SAGA, TxStatus.SUBMITTED, T0, T0)).created());

    assertThat(results).containsOnlyOnce(true);
  }

  @Test
  void load_unknownGid_isEmpty() {
    assertThat(store.load(gid("nobody"))).isEmpty();
  }

  @Test
  void create_optionsWithoutTimeoutAndNullTexts_roundTrip() {
    TxRecord r = TestRecords.simple(gid("nulls"), Mode.MSG, TxStatus.PREPARED, T0, T0);

    store.create(r);

    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded).isEqualTo(r);
    assertThat(loaded.options().timeoutToFail()).isNull();
    assertThat(loaded.customData()).isNull();
    assertThat(loaded.reason()).isNull();
    assertThat(loaded.leaseOwner()).isNull();
  }

  // ---- update ----------------------------------------------------------------------------

  @Test
  void update_expectedVersion_appliesAndBumpsVersion() {
    TxRecord r = created(TestRecords.saga(gid("u"), T0, T0.plusSeconds(30)));
    Instant later = T0.plusSeconds(5);
    TxUpdate u = TxUpdate.builder(r.gid(), 1)
        .status(TxStatus.ABORTING)
        .reason("branch 02 action failed: no funds")
        .updatedAt(later)
        .nextDueAt(later.plusSeconds(10))
        .branch(new BranchUpdate("01", BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null, null))
        .branch(new BranchUpdate("02", BranchOp.ACTION, BranchStatus.PREPARED, 2, 3,
            later.plusSeconds(3), "no funds ∑"))
        .build();

    assertThat(store.update(u)).isTrue();

    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded).isEqualTo(r.applying(u));
    assertThat(loaded.version()).isEqualTo(2);
    assertThat(loaded.status()).isEqualTo(TxStatus.ABORTING);
    assertThat(loaded.reason()).isEqualTo("branch 02 action failed: no funds");
    assertThat(loaded.nextDueAt()).isEqualTo(later.plusSeconds(10));
    BranchRecord b2 = loaded.branch("02", BranchOp.ACTION).orElseThrow();
    assertThat(b2.status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(b2.attempts()).isEqualTo(2);
    assertThat(b2.backoffLevel()).isEqualTo(3);
    assertThat(b2.retryAt()).isEqualTo(later.plusSeconds(3));
    assertThat(b2.lastError()).isEqualTo("no funds ∑");
    assertThat(loaded.branch("02", BranchOp.COMPENSATE).orElseThrow().status())
        .isEqualTo(BranchStatus.PREPARED);
  }

  @Test
  void update_nullStatusAndReason_keepStoredValues() {
    TxRecord r = created(TestRecords.saga(gid("keep"), T0, T0.plusSeconds(30)));
    store.update(TxUpdate.builder(r.gid(), 1).status(TxStatus.ABORTING).reason("why")
        .updatedAt(T0).nextDueAt(T0).build());

    assertThat(store.update(TestRecords.touch(store.load(r.gid()).orElseThrow(), T0,
        T0.plusSeconds(1)))).isTrue();

    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded.status()).isEqualTo(TxStatus.ABORTING);
    assertThat(loaded.reason()).isEqualTo("why");
    assertThat(loaded.version()).isEqualTo(3);
  }

  @Test
  void update_staleVersion_isRejectedAndChangesNothing() {
    TxRecord r = created(TestRecords.saga(gid("stale"), T0, T0.plusSeconds(30)));
    assertThat(store.update(TestRecords.touch(r, T0, T0.plusSeconds(1)))).isTrue();
    TxRecord current = store.load(r.gid()).orElseThrow();

    boolean applied = store.update(TxUpdate.builder(r.gid(), 1).status(TxStatus.ABORTING)
        .updatedAt(T0).nextDueAt(T0).build());

    assertThat(applied).isFalse();
    assertThat(store.load(r.gid())).contains(current);
  }

  @Test
  void update_terminalRecordAtItsVersion_isRejected() {
    TxRecord r = created(TestRecords.saga(gid("final"), T0, T0));
    assertThat(store.update(TestRecords.finish(r, TxStatus.SUCCEEDED, T0))).isTrue();
    TxRecord done = store.load(r.gid()).orElseThrow();

    boolean applied = store.update(TxUpdate.builder(r.gid(), done.version())
        .updatedAt(T0).nextDueAt(T0).reason("late").build());

    assertThat(applied).isFalse();
    assertThat(store.load(r.gid())).contains(done);
  }

  @Test
  void update_statusChangeOffTheTable_isRejected() {
    TxRecord r = created(TestRecords.saga(gid("table"), T0, T0));
    TxRecord aborting = created(TestRecords.simple(gid("table-2"), Mode.SAGA, TxStatus.ABORTING,
        T0, T0));

    boolean back = store.update(TxUpdate.builder(r.gid(), 1).status(TxStatus.PREPARED)
        .updatedAt(T0).nextDueAt(T0).build());
    boolean sideways = store.update(TxUpdate.builder(aborting.gid(), 1)
        .status(TxStatus.SUCCEEDED).updatedAt(T0).nextDueAt(null).build());

    assertThat(back).isFalse();
    assertThat(sideways).isFalse();
    assertThat(store.load(r.gid())).contains(r);
    assertThat(store.load(aborting.gid())).contains(aborting);
    assertThat(store.update(TxUpdate.builder(r.gid(), 1).status(TxStatus.SUBMITTED)
        .updatedAt(T0).nextDueAt(T0).build())).as("same status is allowed").isTrue();
    assertThat(store.update(TxUpdate.builder(r.gid(), 2).status(TxStatus.FAILED)
        .updatedAt(T0).nextDueAt(null).build()))
        .as("two steps at once (SUBMITTED, ABORTING, FAILED) are allowed").isTrue();
  }

  @Test
  void update_unknownGid_isRejected() {
    assertThat(store.update(TxUpdate.builder(gid("ghost"), 1).updatedAt(T0).build())).isFalse();
    assertThat(store.load(gid("ghost"))).isEmpty();
  }

  @Test
  void update_addedBranches_areAppendedInOrder() {
    TxRecord r = created(TestRecords.simple(gid("tcc"), Mode.TCC, TxStatus.PREPARED, T0, T0));
    BranchRecord confirm = BranchRecord.prepared(
        "02", BranchOp.CONFIRM, "handler:c", new byte[] {'{', '}'}, List.of());
    BranchRecord cancel = BranchRecord.prepared(
        "02", BranchOp.CANCEL, "handler:x", new byte[] {'[', ']'}, List.of());

    assertThat(store.update(TxUpdate.builder(r.gid(), 1).updatedAt(T0).nextDueAt(T0)
        .addBranch(confirm).addBranch(cancel).build())).isTrue();

    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded.branches()).hasSize(3);
    assertThat(loaded.branches().get(1)).isEqualTo(confirm);
    assertThat(loaded.branches().get(2)).isEqualTo(cancel);
  }

  @Test
  void update_addedBranchesOnARecordNotPrepared_isRejected() {
    TxRecord r = created(TestRecords.simple(gid("late"), Mode.TCC, TxStatus.SUBMITTED, T0, T0));
    BranchRecord confirm = BranchRecord.prepared(
        "02", BranchOp.CONFIRM, "handler:c", new byte[] {'{', '}'}, List.of());

    assertThat(store.update(TxUpdate.builder(r.gid(), 1).updatedAt(T0).nextDueAt(T0)
        .addBranch(confirm).build())).isFalse();

    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded.version()).isEqualTo(1);
    assertThat(loaded.branches()).isEqualTo(r.branches());
  }

  @Test
  void update_toTerminal_clearsDueAndStaysLoadable() {
    TxRecord r = created(TestRecords.saga(gid("done"), T0, T0));

    assertThat(store.update(TestRecords.finish(r, TxStatus.SUCCEEDED, T0.plusSeconds(1))))
        .isTrue();

    assertThat(store.load(r.gid()).orElseThrow().status()).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(store.claimDue(T0.plusSeconds(3600), "x", LEASE, 10)).isEmpty();
  }

  @Test
  void update_sameVersionConcurrently_exactlyOneWins() throws Exception {
    TxRecord r = created(TestRecords.saga(gid("cas"), T0, T0));

    List<Boolean> results = race(8, i -> store.update(TxUpdate.builder(r.gid(), 1)
        .updatedAt(T0).nextDueAt(T0.plusSeconds(i)).reason("writer " + i).build()));

    assertThat(results).containsOnlyOnce(true);
    assertThat(store.load(r.gid()).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void update_manyWritersRetrying_versionsIncreaseByOnePerAcceptedWrite() throws Exception {
    TxRecord r = created(TestRecords.saga(gid("counter"), T0, T0));
    int writers = 6;
    int writesEach = 20;
    Set<Long> acceptedFrom = ConcurrentHashMap.newKeySet();

    race(writers, i -> {
      int done = 0;
      while (done < writesEach) {
        TxRecord current = store.load(r.gid()).orElseThrow();
        if (store.update(TestRecords.touch(current, T0, T0.plusSeconds(i)))) {
          assertThat(acceptedFrom.add(current.version()))
              .as("two writes accepted from version %d", current.version()).isTrue();
          done++;
        }
      }
      return true;
    });

    assertThat(store.load(r.gid()).orElseThrow().version()).isEqualTo(1 + writers * writesEach);
  }

  // ---- apply -----------------------------------------------------------------------------

  @Test
  void apply_batch_givesOneResultPerUpdateInOrder() {
    TxRecord a = created(TestRecords.saga(gid("batch-a"), T0, T0));
    TxRecord b = created(TestRecords.saga(gid("batch-b"), T0, T0));
    TxRecord c =
        created(TestRecords.simple(gid("batch-c"), Mode.SAGA, TxStatus.ABORTING, T0, T0));
    store.update(TestRecords.touch(b, T0, T0)); // b is now at version 2

    List<Boolean> results = store.apply(List.of(
        TestRecords.touch(a, T0, T0.plusSeconds(1)),
        TestRecords.touch(b, T0, T0.plusSeconds(1)),
        TxUpdate.builder(gid("batch-none"), 1).updatedAt(T0).build(),
        TestRecords.finish(c, TxStatus.FAILED, T0)));

    assertThat(results).containsExactly(true, false, false, true);
    assertThat(store.load(a.gid()).orElseThrow().version()).isEqualTo(2);
    assertThat(store.load(b.gid()).orElseThrow().nextDueAt()).isEqualTo(T0);
    assertThat(store.load(c.gid()).orElseThrow().status()).isEqualTo(TxStatus.FAILED);
  }

  @Test
  void apply_largeBatch_appliesAll() {
    List<TxUpdate> updates = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      TxRecord r = created(TestRecords.simple(gid("big-" + i), Mode.SAGA, TxStatus.SUBMITTED,
          T0, T0));
      updates.add(TestRecords.touch(r, T0, T0.plusSeconds(i)));
    }

    assertThat(store.apply(updates)).hasSize(128).containsOnly(true);
  }

  @Test
  void apply_emptyBatch_returnsEmpty() {
    assertThat(store.apply(List.of())).isEmpty();
  }

  // ---- claimDue --------------------------------------------------------------------------

  @Test
  void claimDue_leasesOnlyDueNonTerminalRecords() {
    created(TestRecords.simple(gid("due"), Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    created(TestRecords.simple(gid("exactly-now"), Mode.SAGA, TxStatus.SUBMITTED, T0,
        T0.plusSeconds(10)));
    created(TestRecords.simple(gid("future"), Mode.SAGA, TxStatus.SUBMITTED, T0,
        T0.plusSeconds(11)));
    created(TestRecords.simple(gid("finished"), Mode.SAGA, TxStatus.SUCCEEDED, T0, T0));
    created(TestRecords.simple(gid("no-due"), Mode.SAGA, TxStatus.SUBMITTED, T0, null));

    List<TxRecord> claimed = store.claimDue(T0.plusSeconds(10), "me", LEASE, 10);

    assertThat(claimed).extracting(TxRecord::gid)
        .containsExactlyInAnyOrder(gid("due"), gid("exactly-now"));
  }

  @Test
  void claimDue_setsOwnerLeaseAndBumpsEpochAndVersion() {
    TxRecord r = created(TestRecords.saga(gid("lease"), T0, T0));
    Instant now = T0.plusSeconds(1);

    List<TxRecord> claimed = store.claimDue(now, "node-b", LEASE, 10);

    TxRecord expected = r.claimedBy("node-b", now, LEASE);
    assertThat(claimed).containsExactly(expected);
    assertThat(store.load(r.gid())).contains(expected);
    assertThat(expected.version()).isEqualTo(2);
    assertThat(expected.leaseEpoch()).isEqualTo(2);
    assertThat(expected.nextDueAt()).isEqualTo(now.plus(LEASE));
  }

  @Test
  void claimDue_respectsLimit() {
    for (int i = 0; i < 5; i++) {
      created(TestRecords.simple(gid("lim-" + i), Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    }

    assertThat(store.claimDue(T0, "me", LEASE, 3)).hasSize(3);
    assertThat(store.claimDue(T0, "me", LEASE, 3)).hasSize(2);
    assertThat(store.claimDue(T0, "me", LEASE, 3)).isEmpty();
  }

  @Test
  void claimDue_leasedRecordIsNotClaimedAgainUntilTheLeaseEnds() {
    created(TestRecords.simple(gid("held"), Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    assertThat(store.claimDue(T0, "a", LEASE, 10)).hasSize(1);

    assertThat(store.claimDue(T0.plus(LEASE).minusMillis(1), "b", LEASE, 10)).isEmpty();
    List<TxRecord> later = store.claimDue(T0.plus(LEASE), "b", LEASE, 10);

    assertThat(later).hasSize(1);
    assertThat(later.get(0).leaseOwner()).isEqualTo("b");
    assertThat(later.get(0).leaseEpoch()).isEqualTo(2);
  }

  @Test
  void claimDue_afterTakeover_staleHolderWritesAreRejected() {
    TxRecord r = created(TestRecords.saga(gid("fence"), T0, T0));
    TxRecord heldByA = store.claimDue(T0, "a", LEASE, 1).get(0);
    TxRecord heldByB = store.claimDue(T0.plus(LEASE), "b", LEASE, 1).get(0);

    boolean staleWrite = store.update(TxUpdate.builder(r.gid(), heldByA.version())
        .status(TxStatus.ABORTING).updatedAt(T0).nextDueAt(null).build());

    assertThat(staleWrite).isFalse();
    assertThat(store.load(r.gid())).contains(heldByB);
    assertThat(store.update(TestRecords.touch(heldByB, T0, T0.plusSeconds(99)))).isTrue();
  }

  @Test
  void claimDue_repeatedSmallBatches_starveNone() {
    int n = 12;
    for (int i = 0; i < n; i++) {
      created(TestRecords.simple(gid("fair-" + i), Mode.SAGA, TxStatus.SUBMITTED, T0,
          T0.plusMillis(i)));
    }
    Set<String> seen = new HashSet<>();
    Instant now = T0.plusSeconds(1);

    for (int pass = 0; pass < n / 3; pass++) {
      // Claim 3, and put them straight back as due (a holder that keeps failing).
      for (TxRecord r : store.claimDue(now, "me", LEASE, 3)) {
        seen.add(r.gid());
        store.update(TestRecords.touch(r, now, now));
      }
      now = now.plusMillis(1);
    }

    assertThat(seen).hasSize(n);
  }

  @Test
  void claimDue_concurrentClaimers_neverLeaseOneRecordTwice() throws Exception {
    int n = 200;
    for (int i = 0; i < n; i++) {
      created(TestRecords.simple(gid(String.format("cc-%03d", i)), Mode.SAGA,
          TxStatus.SUBMITTED, T0, T0.plusMillis(i % 17)));
    }
    ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();

    race(6, i -> {
      List<TxRecord> batch;
      do {
        batch = store.claimDue(T0.plusSeconds(1), "claimer-" + i, LEASE, 7);
        for (TxRecord r : batch) {
          if (owners.putIfAbsent(r.gid(), "claimer-" + i) != null) {
            duplicates.incrementAndGet();
          }
        }
      } while (!batch.isEmpty());
      return true;
    });

    assertThat(duplicates).hasValue(0);
    assertThat(owners).hasSize(n);
    for (var e : owners.entrySet()) {
      assertThat(store.load(e.getKey()).orElseThrow().leaseOwner()).isEqualTo(e.getValue());
    }
  }

  /**
   * Three claimers race for a backlog in rounds (each claims once per round, all starting
   * together) until it is drained. Every record is leased exactly once, and each claimer gets at
   * least 15% of the backlog. The bound does not depend on timing: while at least three batches
   * are due, a store that lets racing claimers skip each other's records gives every claim a full
   * batch (a third each); one whose claimers all go for the same oldest records gives the losers
   * of every race nothing, and one claimer the lion's share. It holds far below a third, so that
   * a claim that loses a few records to a neighbour's commit (a stale read, harmless) never fails
   * it.
   */
  @Test
  void claimDue_concurrentClaimersInRounds_shareTheBacklogEvenly() throws Exception {
    int n = 600;
    int limit = 20;
    int claimers = 3;
    for (int i = 0; i < n; i++) {
      created(TestRecords.simple(gid(String.format("even-%03d", i)), Mode.SAGA,
          TxStatus.SUBMITTED, T0, T0.plusMillis(i % 50)));
    }
    ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();
    int[] shares = new int[claimers];
    int claimedInRound = -1;
    for (int round = 0; round < 4 * n / limit && claimedInRound != 0; round++) {
      List<Integer> counts = race(claimers, i -> {
        List<TxRecord> batch = store.claimDue(T0.plusSeconds(1), "claimer-" + i, LEASE, limit);
        for (TxRecord r : batch) {
          if (owners.putIfAbsent(r.gid(), "claimer-" + i) != null) {
            duplicates.incrementAndGet();
          }
        }
        return batch.size();
      });
      claimedInRound = 0;
      for (int i = 0; i < claimers; i++) {
        shares[i] += counts.get(i);
        claimedInRound += counts.get(i);
      }
    }

    assertThat(duplicates).hasValue(0);
    assertThat(owners).hasSize(n);
    for (int i = 0; i < claimers; i++) {
      assertThat(shares[i]).as("records claimed by claimer-%d of %s", i,
          java.util.Arrays.toString(shares)).isGreaterThanOrEqualTo(n * 15 / 100);
    }
  }

  @Test
  void claimDue_racingWithUpdates_versionCountsEveryAcceptedWrite() throws Exception {
    int n = 60;
    for (int i = 0; i < n; i++) {
      created(TestRecords.simple(gid("mix-" + i), Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    }
    ConcurrentHashMap<String, AtomicInteger> accepted = new ConcurrentHashMap<>();

    race(4, i -> {
      if (i % 2 == 0) {
        for (TxRecord r : store.claimDue(T0.plusSeconds(1), "claimer-" + i, LEASE, 100)) {
          accepted.computeIfAbsent(r.gid(), g -> new AtomicInteger()).incrementAndGet();
        }
      } else {
        for (int k = 0; k < n; k++) {
          TxRecord r = store.load(gid("mix-" + k)).orElseThrow();
          if (store.update(TestRecords.touch(r, T0, T0.plusSeconds(3600)))) {
            accepted.computeIfAbsent(r.gid(), g -> new AtomicInteger()).incrementAndGet();
          }
        }
      }
      return true;
    });

    for (int k = 0; k < n; k++) {
      TxRecord r = store.load(gid("mix-" + k)).orElseThrow();
      AtomicInteger writes = accepted.getOrDefault(r.gid(), new AtomicInteger());
      assertThat(r.version()).as("version of %s", r.gid()).isEqualTo(1 + writes.get());
    }
  }

  // ---- query / purge ---------------------------------------------------------------------

  @Test
  void query_filtersByStatusModeTimeAndPrefix() {
    created(TestRecords.simple("q-saga-1", Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    created(TestRecords.simple("q-saga-2", Mode.SAGA, TxStatus.FAILED, T0.plusSeconds(10), T0));
    created(TestRecords.simple("q-tcc-1", Mode.TCC, TxStatus.PREPARED, T0.plusSeconds(20), T0));
    created(TestRecords.simple("other-1", Mode.SAGA, TxStatus.SUBMITTED, T0.plusSeconds(30),
        T0));

    assertThat(gids(TxQuery.all(10).withStatuses(Set.of(TxStatus.SUBMITTED))))
        .containsExactly("other-1", "q-saga-1");
    assertThat(gids(TxQuery.all(10).withModes(Set.of(Mode.TCC)))).containsExactly("q-tcc-1");
    assertThat(gids(TxQuery.all(10).withCreated(T0.plusSeconds(10), T0.plusSeconds(30))))
        .containsExactly("q-saga-2", "q-tcc-1");
    assertThat(gids(TxQuery.all(10).withGidPrefix("q-saga")))
        .containsExactly("q-saga-1", "q-saga-2");
    assertThat(gids(TxQuery.all(10).withGidPrefix("q_%"))).isEmpty();
  }

  @Test
  void query_pagesThroughEverythingInGidOrder() {
    for (int i = 0; i < 25; i++) {
      created(TestRecords.simple(String.format("page-%02d", i), Mode.SAGA, TxStatus.SUBMITTED,
          T0, T0));
    }
    List<String> all = new ArrayList<>();
    TxQuery q = TxQuery.all(10);
    TxPage page;
    int pages = 0;
    do {
      page = store.query(q);
      page.records().forEach(r -> all.add(r.gid()));
      pages++;
      q = page.next().map(q::after).orElse(null);
    } while (q != null);

    assertThat(all).hasSize(25).isSorted();
    assertThat(pages).isBetween(3, 4);
  }

  @Test
  void purge_removesOnlyTerminalRecordsFinishedBeforeTheCutoff() {
    TxRecord old = created(TestRecords.simple(gid("old"), Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    store.update(TestRecords.finish(old, TxStatus.SUCCEEDED, T0.plusSeconds(1)));
    TxRecord recent = created(TestRecords.simple(gid("recent"), Mode.SAGA, TxStatus.ABORTING,
        T0, T0));
    store.update(TestRecords.finish(recent, TxStatus.FAILED, T0.plusSeconds(100)));
    created(TestRecords.simple(gid("running"), Mode.SAGA, TxStatus.SUBMITTED, T0, T0));

    int purged = store.purge(T0.plusSeconds(50));

    assertThat(purged).isEqualTo(1);
    assertThat(store.load(gid("old"))).isEmpty();
    assertThat(store.load(gid("recent"))).isPresent();
    assertThat(store.load(gid("running"))).isPresent();
  }

  @Test
  void update_againstARecordPurgedAndCreatedAgain_isRejected() {
    TxRecord first = created(TestRecords.saga(gid("again"), T0, T0));
    TxUpdate stale = TxUpdate.against(first).updatedAt(T0.plusSeconds(1))
        .nextDueAt(T0.plusSeconds(1)).build();
    assertThat(store.update(TestRecords.finish(first, TxStatus.SUCCEEDED, T0.plusSeconds(1))))
        .isTrue();
    assertThat(store.purge(T0.plusSeconds(50))).isEqualTo(1);
    TxRecord second = created(TestRecords.simple(gid("again"), Mode.SAGA, TxStatus.SUBMITTED,
        T0.plusSeconds(60), T0.plusSeconds(60)));

    boolean applied = store.update(stale);

    assertThat(applied).as("a write made against the purged record").isFalse();
    assertThat(store.load(gid("again"))).contains(second);
  }

  // ---- lifecycle and optional behaviour ---------------------------------------------------

  @Test
  void closedStore_refusesWorkWithStoreUnavailable() {
    TransactionStore closed = store;
    closed.close();
    closed.close(); // idempotent

    assertThatThrownBy(() -> closed.load(gid("any")))
        .isInstanceOf(StoreUnavailableException.class);
    store = newStore(); // for the checks after the test
  }

  @Test
  void gids_differingOnlyInCase_areDistinctAndOrderedByCodePoint() {
    List<String> gids = List.of("Ab", "aB", "AB", "ab", "a-b", "a.b", "a_b", "a:b", "A0", "a9");
    for (String g : gids) {
      created(TestRecords.simple(g, Mode.SAGA, TxStatus.SUBMITTED, T0, T0));
    }

    for (String g : gids) {
      assertThat(store.load(g).orElseThrow().gid()).isEqualTo(g);
    }
    assertThat(gids(TxQuery.all(100))).containsExactlyElementsOf(gids.stream().sorted().toList());
    assertThat(gids(TxQuery.all(100).withGidPrefix("a"))).containsExactlyElementsOf(
        gids.stream().filter(g -> g.startsWith("a")).sorted().toList());
  }

  @Test
  void update_namingAMissingBranchOp_throwsAndLeavesTheRecordAlone() {
    TxRecord r = created(TestRecords.saga(gid("no-branch"), T0, T0));
    TxUpdate bad = TxUpdate.builder(r.gid(), 1).updatedAt(T0).nextDueAt(T0)
        .branch(new BranchUpdate("09", BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null, null))
        .build();

    assertThatThrownBy(() -> store.update(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.load(r.gid())).contains(r);
  }

  // ---- updates against a base (TxUpdate.against) -------------------------------------------

  @Test
  void update_againstItsBase_appliesAsWithout() {
    TxRecord r = created(TestRecords.saga(gid("base"), T0, T0.plusSeconds(30)));
    TxUpdate u = TxUpdate.against(r).status(TxStatus.ABORTING).reason("why").updatedAt(T0)
        .nextDueAt(T0.plusSeconds(2))
        .branch(new BranchUpdate("01", BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null, null))
        .branch(new BranchUpdate("02", BranchOp.ACTION, BranchStatus.PREPARED, 2, 1,
            T0.plusSeconds(1), "busy"))
        .build();

    assertThat(store.update(u)).isTrue();
    TxRecord next = r.applying(u);
    assertThat(store.load(r.gid())).contains(next);
    TxUpdate then = TxUpdate.against(next).updatedAt(T0).nextDueAt(null)
        .status(TxStatus.FAILED).build();
    assertThat(store.update(then)).isTrue();
    assertThat(store.load(r.gid())).contains(next.applying(then));
  }

  @Test
  void update_againstAStaleBase_isRejectedAndChangesNothing() {
    TxRecord r = created(TestRecords.saga(gid("stale-base"), T0, T0.plusSeconds(30)));
    assertThat(store.update(TestRecords.touch(r, T0, T0.plusSeconds(1)))).isTrue();
    TxRecord current = store.load(r.gid()).orElseThrow();

    boolean applied = store.update(TxUpdate.against(r).status(TxStatus.ABORTING).updatedAt(T0)
        .nextDueAt(T0)
        .branch(new BranchUpdate("01", BranchOp.ACTION, BranchStatus.FAILED, 1, 0, null, "x"))
        .build());
    boolean missingOp = store.update(TxUpdate.against(r).updatedAt(T0).nextDueAt(T0)
        .branch(new BranchUpdate("09", BranchOp.ACTION, BranchStatus.FAILED, 1, 0, null, "x"))
        .build());

    assertThat(applied).isFalse();
    assertThat(missingOp).as("a stale base naming a missing op: a version conflict").isFalse();
    assertThat(store.load(r.gid())).contains(current);
  }

  @Test
  void update_againstABaseNamingAMissingBranchOp_throwsAndLeavesTheRecordAlone() {
    TxRecord r = created(TestRecords.saga(gid("base-no-op"), T0, T0));
    TxUpdate bad = TxUpdate.against(r).updatedAt(T0).nextDueAt(T0)
        .branch(new BranchUpdate("09", BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null, null))
        .build();

    assertThatThrownBy(() -> store.update(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.load(r.gid())).contains(r);
  }

  @Test
  void update_againstABaseAddingBranches_appendsThemAtEachVersion() {
    TxRecord r = created(TestRecords.simple(gid("base-tcc"), Mode.TCC, TxStatus.PREPARED, T0,
        T0));
    TxRecord expected = r;
    for (String id : List.of("02", "03")) {
      TxUpdate u = TxUpdate.against(expected).updatedAt(T0).nextDueAt(T0)
          .addBranch(BranchRecord.prepared(id, BranchOp.CONFIRM, "handler:c", new byte[] {1},
              List.of()))
          .addBranch(BranchRecord.prepared(id, BranchOp.CANCEL, "handler:x", new byte[] {2},
              List.of("01")))
          .build();
      assertThat(store.update(u)).isTrue();
      expected = expected.applying(u);
    }
    TxUpdate progress = TxUpdate.against(expected).status(TxStatus.SUBMITTED).updatedAt(T0)
        .nextDueAt(T0)
        .branch(new BranchUpdate("03", BranchOp.CONFIRM, BranchStatus.SUCCEEDED, 1, 0, null, null))
        .build();
    assertThat(store.update(progress)).isTrue();

    TxRecord loaded = store.load(r.gid()).orElseThrow();
    assertThat(loaded).isEqualTo(expected.applying(progress));
    assertThat(loaded.branches()).hasSize(5);
    assertThat(store.update(TxUpdate.against(loaded).updatedAt(T0)
        .addBranch(BranchRecord.prepared("04", BranchOp.CONFIRM, "handler:c", new byte[] {1},
            List.of())).build())).as("adding branches once SUBMITTED").isFalse();
  }

  @Test
  void apply_batchAgainstBases_appliesCurrentOnesAndRejectsStaleAndTerminalOnes() {
    TxRecord a = created(TestRecords.saga(gid("ba"), T0, T0));
    TxRecord b = created(TestRecords.saga(gid("bb"), T0, T0));
    TxRecord done = created(TestRecords.simple(gid("bc"), Mode.SAGA, TxStatus.SUCCEEDED, T0,
        null));
    assertThat(store.update(TestRecords.touch(b, T0, T0))).isTrue();
    TxRecord bNow = store.load(b.gid()).orElseThrow();
    List<TxUpdate> batch = List.of(
        TxUpdate.against(b).updatedAt(T0).nextDueAt(T0).build(),
        TxUpdate.against(done).updatedAt(T0).nextDueAt(T0).build(),
        TxUpdate.against(a).updatedAt(T0).nextDueAt(null).status(TxStatus.SUCCEEDED)
            .branch(new BranchUpdate("01", BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null,
                null)).build());

    assertThat(store.apply(batch)).containsExactly(false, false, true);
    assertThat(store.load(a.gid())).contains(a.applying(batch.get(2)));
    assertThat(store.load(b.gid())).contains(bNow);
    assertThat(store.load(done.gid())).contains(done);
  }

  @Test
  void durable_recordsSurviveReopen() {
    assumeTrue(store.capabilities().contains(StoreCapability.DURABLE),
        "store does not declare DURABLE");
    TxRecord r = created(TestRecords.saga(gid("durable"), T0, T0));
    store.update(TestRecords.touch(r, T0, T0.plusSeconds(5)));
    TxRecord before = store.load(r.gid()).orElseThrow();

    store.close();
    store = reopen(store);

    assertThat(store.load(r.gid())).contains(before);
  }

  /**
   * A child JVM creates records and writes each acknowledged gid to a file (forced to disk); it is
   * killed with SIGKILL at seeded random moments, ten times. Every acknowledged gid must be in
   * the store afterwards. {@code -Djdtm.seed=S} repeats a run.
   */
  @Test
  void durable_childKilledWithSigkill_losesNothingAcknowledged() throws Exception {
    assumeTrue(store.capabilities().contains(StoreCapability.DURABLE),
        "store does not declare DURABLE");
    String uri = storeUri(store);
    assumeTrue(uri != null, "storeUri(store) not overridden: no URI for a child JVM to open");
    long seed = Long.getLong("jdtm.seed", System.nanoTime());
    Path dir = Files.createTempDirectory(
        Files.createDirectories(Path.of("target", "kill-loop")), getClass().getSimpleName());
    store.close();

    List<String> acknowledged;
    try {
      acknowledged = new KillLoop(uri, dir, seed).run(KILLS);
    } finally {
      store = reopen(store);
    }

    List<String> missing = acknowledged.stream().filter(g -> store.load(g).isEmpty()).toList();
    assertThat(missing).as("acknowledged gids missing after %d SIGKILLs, %d of %d (seed %d, "
        + "see %s)", KILLS, missing.size(), acknowledged.size(), seed, dir).isEmpty();
    assertThat(acknowledged).as("gids acknowledged (seed %d)", seed).isNotEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------

  protected TxRecord created(TxRecord r) {
    assertThat(store.create(r).created()).as("created %s", r.gid()).isTrue();
    return r;
  }

  private List<String> gids(TxQuery q) {
    return store.query(q).records().stream().map(TxRecord::gid).toList();
  }

  /** A task for one of several racing threads, given its index. */
  @FunctionalInterface
  protected interface RaceTask<T> {
    T run(int index) throws Exception;
  }

  /** Runs {@code threads} tasks released at the same moment; returns their results in order. */
  protected static <T> List<T> race(int threads, RaceTask<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          start.await();
          return task.run(index);
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
