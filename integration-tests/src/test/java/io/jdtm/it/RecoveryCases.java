package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.RecoveryPass;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Recovery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Another instance sharing the store finishes what a dead one left. */
abstract class RecoveryCases {
  @Parameter StoreFixture fixture;

  private Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness(fixture);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void diedRightAfterSubmit_anotherInstanceRunsItOnceTheLeaseEnds() {
    TransactionManager dead = h.manager("dead", b -> b.executor(task -> {}));
    TransactionManager survivor = h.manager("survivor");
    String gid = dead.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();

    assertThat(survivor.runRecoveryPass().size()).as("lease still held").isZero();
    h.clock.advance(Harness.LEASE);
    assertThat(survivor.runRecoveryPass().size()).isEqualTo(1);

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.entries(gid)).hasSize(1);
  }

  @Test
  void diedMidSaga_anotherInstanceResumesWithoutRepeatingEffects() {
    AtomicReference<TransactionManager> victim = new AtomicReference<>();
    h.b.beforeAnswer(ctx -> {
      if (ctx.op() == ACTION && victim.get() != null) {
        victim.getAndSet(null).halt(); // dies while step 02 is being called
      }
    });
    TransactionManager first = h.manager("first");
    victim.set(first);
    String gid = first.saga()
        .step("bankA", "bankA", new Transfer("A", -5))
        .step("bankB", "bankB", new Transfer("B", 5))
        .step("bankC", "bankC", new Transfer("C", 0))
        .submit();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(first.find(gid).orElseThrow().branch("02", ACTION).attempts()).isZero();

    TransactionManager second = h.manager("second");
    h.clock.advance(Harness.LEASE);
    second.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isEqualTo(2);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
    assertThat(h.ledger.effects(gid, "03", ACTION)).isEqualTo(1);
  }

  @Test
  void staleHolder_cannotWriteAfterTakeover() {
    TransactionManager slow = h.manager("slow", b -> b.executor(task -> {}));
    TransactionManager fast = h.manager("fast");
    String gid = slow.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();
    long versionAtSubmit = h.store.load(gid).orElseThrow().version();

    h.clock.advance(Harness.LEASE);
    fast.runRecoveryPass();

    var record = h.store.load(gid).orElseThrow();
    assertThat(record.status()).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(record.leaseOwner()).isEqualTo("fast");
    assertThat(h.store.update(io.jdtm.spi.TxUpdate.builder(gid, versionAtSubmit)
        .status(TxStatus.ABORTING).updatedAt(h.clock.instant()).build())).isFalse();
  }

  @Test
  void manyAbandoned_twoInstancesDrainThemAll() {
    TransactionManager dead = h.manager("dead", b -> b.executor(task -> {}));
    List<String> gids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      gids.add(dead.saga()
          .step("bankA", "bankA", new Transfer("A", i))
          .step("bankB", "bankB", new Transfer("B", i))
          .submit());
    }
    List<TransactionManager> survivors = List.of(
        h.manager("s1", b -> b.recoveryBatchSize(16)), h.manager("s2", b -> b.recoveryBatchSize(16)));

    int rounds = Recovery.drain(h.clock, Harness.LEASE, 20, gids, survivors);

    assertThat(rounds).isLessThanOrEqualTo(6);
    for (String gid : gids) {
      assertThat(h.ledger.applied(gid)).hasSize(2);
    }
    assertThat(h.store.load(gids.get(0)).orElseThrow().leaseOwner()).isIn("s1", "s2");
    assertThat(gids.stream().map(g -> h.store.load(g).orElseThrow().leaseOwner()).distinct())
        .containsExactlyInAnyOrder("s1", "s2");
  }

  @Test
  void runRecoveryPass_aDueSaga_namesItsGid() {
    TransactionManager dead = h.manager("dead", b -> b.executor(task -> {}));
    TransactionManager survivor = h.manager("survivor");
    String gid = dead.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();
    h.clock.advance(Harness.LEASE);

    RecoveryPass pass = survivor.runRecoveryPass();

    assertThat(pass.gids()).containsExactly(gid);
    assertThat(pass.size()).isEqualTo(1);
  }

  @Test
  void runRecoveryPass_withNothingDue_claimsNothing() {
    TransactionManager tm = h.manager("idle");
    tm.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();

    h.clock.advance(Duration.ofHours(1));

    assertThat(tm.runRecoveryPass().size()).isZero();
  }
}
