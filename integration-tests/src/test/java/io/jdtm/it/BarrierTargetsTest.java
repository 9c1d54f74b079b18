package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.InvalidTransactionException;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.testkit.MemoryBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Review 2: {@code barrier:NAME} is documented as a target "only as a message's check-back"
 * (Target.BarrierRef), but Target.parse accepts it everywhere: saga action/compensate, TCC
 * try/confirm/cancel, message actions. BranchInvoker then runs barrier.queryPrepared(gid) as the
 * op (or NOT_CALLED forever when no barrier has the name). Nothing checks it at submit.
 */
class BarrierTargetsTest {
  private Harness h;
  private final MemoryBarrier barrier = new MemoryBarrier();

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  /** Accepted, then the confirm waits forever for an unregistered "barrier" (stuck SUBMITTED). */
  @Test
  void tccBranch_withABarrierTargetAsConfirm_isRejectedBeforeRegistering() {
    h = new Harness();
    TransactionManager tm = h.manager("n1");

    assertThatThrownBy(() -> tm.tcc("t-barrier-target").execute(
        tcc -> tcc.branch("bankA", "barrier:nope", "bankA", 1)))
        .isInstanceOf(InvalidTransactionException.class);
  }

  /**
   * Accepted; the "delivery" is a check-back of the message itself, which answers SUCCESS: the
   * message SUCCEEDS with nothing delivered.
   */
  @Test
  void msgAction_withABarrierTarget_isRejectedAtPrepare() {
    h = new Harness();
    TransactionManager tm = h.manager("n1", b -> b.barrier("bank", barrier));

    assertThatThrownBy(() -> tm.msg("m-barrier-target").add("barrier:bank", 1)
        .doAndSubmit(barrier, tx -> Outcome.success()))
        .isInstanceOf(InvalidTransactionException.class);
  }

  /** Accepted; the action runs queryPrepared(sagaGid), writing a msg "rollback" row. */
  @Test
  void sagaStep_withABarrierTarget_isRejectedAtSubmit() {
    h = new Harness();
    TransactionManager tm = h.manager("n1", b -> b.barrier("bank", barrier));

    assertThatThrownBy(() -> tm.saga("s-barrier-target").step("barrier:bank", "bankA", 1)
        .submit()).isInstanceOf(InvalidTransactionException.class);
    assertThat(h.store.load("s-barrier-target")).isEmpty();
  }
}
