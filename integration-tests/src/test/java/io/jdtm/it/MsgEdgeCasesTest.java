package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review 2: 2-phase message defects. */
class MsgEdgeCasesTest {
  private Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  /**
   * A barrier whose local commit reports an error after it took effect, and whose check-back
   * cannot tell at first (ONGOING: the engine's check-back handling keeps a message PREPARED on
   * it; the Javadoc of doAndSubmit promises "if the barrier cannot tell, the message stays
   * prepared"), then tells SUCCESS. Or whose check-back answers null (the engine treats it as
   * unknown).
   */
  static final class UncertainBarrier implements Barrier<Object> {
    final AtomicInteger queries = new AtomicInteger();
    final Outcome firstAnswer;
    volatile boolean committed;

    UncertainBarrier(Outcome firstAnswer) {
      this.firstAnswer = firstAnswer;
    }

    @Override
    public Outcome call(BranchContext ctx, LocalWork<Object> work) throws Exception {
      work.run(null);
      committed = true;
      throw new SQLException("connection reset while reading the answer to COMMIT", "08006");
    }

    @Override
    public Outcome queryPrepared(String gid) {
      if (queries.getAndIncrement() == 0) {
        return firstAnswer;
      }
      return committed ? Outcome.success() : Outcome.failure("not committed");
    }
  }

  private void committedLocally_isDeliveredOnceTheCheckBackCanTell(Outcome firstAnswer)
      throws Exception {
    h = new Harness();
    UncertainBarrier barrier = new UncertainBarrier(firstAnswer);
    TransactionManager tm = h.manager("n1", b -> b.barrier("uncertain", barrier));

    assertThatThrownBy(() -> tm.msg("m-uncertain").add("bankA", 7)
        .doAndSubmit(barrier, tx -> Outcome.success()))
        .isInstanceOf(SQLException.class); // the commit's own error, as documented
    assertThat(barrier.committed).isTrue();

    // The message must still be undecided; the check-back decides later.
    assertThat(h.status("m-uncertain")).isEqualTo(TxStatus.PREPARED);
    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();
    assertThat(h.status("m-uncertain")).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects("m-uncertain", "01", ACTION)).isEqualTo(1); // I-11
  }

  /** committedAnyway() aborts on anything but SUCCESS: a committed message is never delivered. */
  @Test
  void doAndSubmit_checkBackOngoingAfterAnAmbiguousCommit_keepsTheMessagePrepared()
      throws Exception {
    committedLocally_isDeliveredOnceTheCheckBackCanTell(Outcome.ongoing());
  }

  /** committedAnyway() calls check.isSuccess() on null: NullPointerException, cause lost. */
  @Test
  void doAndSubmit_checkBackNullAfterAnAmbiguousCommit_keepsTheMessagePrepared()
      throws Exception {
    committedLocally_isDeliveredOnceTheCheckBackCanTell(null);
  }
}
