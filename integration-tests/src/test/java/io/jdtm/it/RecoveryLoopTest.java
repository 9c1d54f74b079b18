package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.Ledger;
import io.jdtm.testkit.TestParticipant;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The background recovery loop of a started manager, on real time and threads. */
class RecoveryLoopTest {
  private static long recoveryThreads(String instanceId) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("jdtm-recovery-" + instanceId + "-"))
        .count();
  }

  @Test
  void started_finishesAnAbandonedSagaByItself_andCloseStopsTheLoop() {
    Ledger ledger = new Ledger();
    TestParticipant bank = new TestParticipant("bank", ledger);
    AtomicReference<TransactionManager> dying = new AtomicReference<>();
    bank.beforeAnswer(ctx -> {
      TransactionManager m = dying.getAndSet(null);
      if (m != null) {
        m.halt(); // dies during its first call, before recording it
      }
    });
    try (MemoryStore store = new MemoryStore()) {
      TransactionManager first = bank.registerOn(TransactionManager.builder()
              .store(store)
              .instanceId("first")
              .executor(Runnable::run)
              // It ran an hour ago: its lease has long run out.
              .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1))))
          .build();
      dying.set(first);
      String gid = first.saga().step("bank", "bank", 1).step("bank", "bank", 2).submit();
      assertThat(store.load(gid).orElseThrow().status()).isEqualTo(TxStatus.SUBMITTED);

      TransactionManager second = bank.registerOn(TransactionManager.builder()
              .store(store)
              .instanceId("second")
              .pollInterval(Duration.ofMillis(20)))
          .build()
          .start();
      assertThat(recoveryThreads("second")).isEqualTo(1);

      // Nothing but the loop drives it: this test runs no recovery pass.
      assertThat(second.await(gid, Duration.ofSeconds(20)).status()).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(ledger.effects(gid, "01", ACTION)).isEqualTo(1);
      assertThat(ledger.effects(gid, "02", ACTION)).isEqualTo(1);

      second.close();
      // close() waits for the loop to end; its thread may take a moment more to exit.
      await().atMost(Duration.ofSeconds(5)).until(() -> recoveryThreads("second") == 0);
      assertThatThrownBy(() -> second.saga().step("bank", "bank", 3).submit())
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
