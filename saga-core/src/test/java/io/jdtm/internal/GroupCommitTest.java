package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  /**
   * Records each write call (the gids it carried); accepts an update unless {@code rejects} says
   * so; the first {@link GroupCommit#WRITERS} writes wait for {@code release}; {@code fails}
   * makes a whole call throw.
   */
  private static final class BatchStore implements TransactionStore {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstCallsStarted = new CountDownLatch(GroupCommit.WRITERS);
    final CountDownLatch release = new CountDownLatch(1);
    final Set<StoreCapability> capabilities;
    volatile Predicate<String> rejects = gid -> false;
    volatile Predicate<List<String>> fails = gids -> false;

    BatchStore(Set<StoreCapability> capabilities) {
      this.capabilities = capabilities;
    }

    @Override
    public boolean update(TxUpdate update) {
      return apply(List.of(update)).get(0);
    }

    @Override
    public List<Boolean> apply(List<TxUpdate> updates) {
      List<String> gids = updates.stream().map(TxUpdate::gid).toList();
      boolean blocks;
      synchronized (calls) {
        calls.add(gids);
        blocks = calls.size() <= GroupCommit.WRITERS;
      }
      if (blocks) {
        firstCallsStarted.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (fails.test(gids)) {
        throw new IllegalStateException("store down for " + gids);
      }
      return gids.stream().map(g -> !rejects.test(g)).toList();
    }

    @Override
    public CreateResult create(TxRecord record) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<TxRecord> load(String gid) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TxPage query(TxQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int purge(Instant finishedBefore) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Set<StoreCapability> capabilities() {
      return capabilities;
    }

    @Override
    public void close() {}
  }

  private static TxUpdate update(String gid) {
    return TxUpdate.builder(gid, 1).updatedAt(T0).build();
  }

  /**
   * While {@code w0}, {@code w1}... keep every writer busy, {@code others} queue up; returns the
   * futures of the writers' updates, then of the others.
   */
  private List<Future<Boolean>> queueBehindWriters(BatchStore store, GroupCommit commits,
      String... others) throws Exception {
    List<Future<Boolean>> futures = new ArrayList<>();
    for (int i = 0; i < GroupCommit.WRITERS; i++) {
      String gid = "w" + i;
      futures.add(threads.submit(() -> commits.update(update(gid), () -> false)));
    }
    assertThat(store.firstCallsStarted.await(10, TimeUnit.SECONDS)).isTrue();
    for (String gid : others) {
      futures.add(threads.submit(() -> commits.update(update(gid), () -> false)));
    }
    return futures;
  }

  /** Lets the first write finish once every other caller is waiting for it. */
  private static void releaseWhenQueued(BatchStore store, GroupCommit commits, int waiting) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> commits.queued() == waiting);
    store.release.countDown();
  }

  @Test
  void updatesArrivingWhileEveryWriterIsBusy_goTogetherInTheNextBatch() throws Exception {
    BatchStore store = new BatchStore(EnumSet.of(StoreCapability.BATCHED_APPLY));
    store.rejects = "c"::equals;
    GroupCommit commits = new GroupCommit(store);

    List<Future<Boolean>> results = queueBehindWriters(store, commits, "b", "c", "d");
    releaseWhenQueued(store, commits, 3);

    List<Boolean> answers = new ArrayList<>();
    for (Future<Boolean> f : results) {
      answers.add(f.get(10, TimeUnit.SECONDS));
    }
    assertThat(answers.subList(GroupCommit.WRITERS, answers.size()))
        .as("b, c, d each get their own result").containsExactly(true, false, true);
    assertThat(answers.subList(0, GroupCommit.WRITERS)).containsOnly(true);
    assertThat(store.calls).hasSize(GroupCommit.WRITERS + 1);
    assertThat(store.calls.get(GroupCommit.WRITERS)).containsExactlyInAnyOrder("b", "c", "d");
  }

  @Test
  void failedBatch_eachUpdateIsWrittenAloneAndGetsItsOwnOutcome() throws Exception {
    BatchStore store = new BatchStore(EnumSet.of(StoreCapability.BATCHED_APPLY));
    store.fails = gids -> gids.contains("poison");
    GroupCommit commits = new GroupCommit(store);

    List<Future<Boolean>> results = queueBehindWriters(store, commits, "b", "poison");
    releaseWhenQueued(store, commits, 2);

    int b = GroupCommit.WRITERS;
    assertThat(results.get(b).get(10, TimeUnit.SECONDS)).as("b, written alone").isTrue();
    assertThatThrownBy(() -> results.get(b + 1).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store down for [poison]");
    // the writers' own; b+poison; then b and poison alone
    assertThat(store.calls).hasSize(GroupCommit.WRITERS + 3);
  }

  @Test
  void failedBatchThatLandedAnUpdate_countsItWrittenWithoutWritingItAgain() throws Exception {
    BatchStore store = new BatchStore(EnumSet.of(StoreCapability.BATCHED_APPLY));
    store.fails = gids -> gids.size() > 1; // say, the commit went through but its answer was lost
    GroupCommit commits = new GroupCommit(store);

    queueBehindWriters(store, commits);
    Future<Boolean> b = threads.submit(() -> commits.update(update("b"), () -> true));
    Future<Boolean> c = threads.submit(() -> commits.update(update("c"), () -> false));
    releaseWhenQueued(store, commits, 2);

    assertThat(b.get(10, TimeUnit.SECONDS)).as("b landed with the batch").isTrue();
    assertThat(c.get(10, TimeUnit.SECONDS)).as("c, written alone").isTrue();
    assertThat(store.calls).hasSize(GroupCommit.WRITERS + 2);
    assertThat(store.calls.get(GroupCommit.WRITERS + 1)).containsExactly("c");
  }

  @Test
  void aLoneWriter_writesAtOnce_andAFailureIsItsOwn() {
    BatchStore store = new BatchStore(EnumSet.of(StoreCapability.BATCHED_APPLY));
    store.release.countDown();
    store.fails = gids -> gids.contains("x");
    GroupCommit commits = new GroupCommit(store);

    assertThat(commits.update(update("a"), () -> false)).isTrue();
    assertThatThrownBy(() -> commits.update(update("x"), () -> false))
        .isInstanceOf(IllegalStateException.class).hasMessage("store down for [x]");
    assertThat(store.calls).containsExactly(List.of("a"), List.of("x"));
  }

  @Test
  void storeWithoutBatchedApply_getsEveryUpdateAsItComes() throws Exception {
    BatchStore store = new BatchStore(EnumSet.noneOf(StoreCapability.class));
    GroupCommit commits = new GroupCommit(store);

    List<Future<Boolean>> results = queueBehindWriters(store, commits, "b", "c");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> store.calls.size() == GroupCommit.WRITERS + 2);
    store.release.countDown();

    for (Future<Boolean> f : results) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(store.calls).allSatisfy(gids -> assertThat(gids).hasSize(1));
  }
}
