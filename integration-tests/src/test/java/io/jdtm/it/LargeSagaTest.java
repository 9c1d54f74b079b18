package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Saga;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The largest sagas allowed run and roll back; larger ones are refused. */
class LargeSagaTest {
  /** The README's limit: "1,000 steps per saga". */
  private static final int MAX_STEPS = 1000;

  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    h = new Harness();
    tm = h.manager("n", b -> b.maxPayloadBytes(64));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** The largest DAG allowed, its last step refusing: every step is rolled back. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void widestDag_lastStepRefuses_rollsEveryStepBack() {
    int n = MAX_STEPS;
    h.a.script(String.format("%02d", n), ACTION, Behaviour.FAILURE);
    Saga saga = tm.saga().concurrent();
    for (int i = 0; i < n; i++) {
      saga.step("bankA", "bankA", i);
    }

    String gid = saga.submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.ledger.entries(gid)).filteredOn(e -> e.op() == COMPENSATE).hasSize(n);
  }

  /** The longest sequential saga allowed, its last step refusing. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void longestSequentialSaga_lastStepRefuses_rollsEveryStepBackInReverse() {
    int n = MAX_STEPS;
    h.a.script(String.format("%02d", n), ACTION, Behaviour.FAILURE);
    Saga saga = tm.saga();
    for (int i = 0; i < n; i++) {
      saga.step("bankA", "bankA", i);
    }

    String gid = saga.submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    List<Integer> undone = h.ledger.entries(gid).stream().filter(e -> e.op() == COMPENSATE)
        .map(e -> Integer.parseInt(e.branchId())).toList();
    assertThat(undone).hasSize(n).isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void sagaWithTooManySteps_isRejected() {
    Saga saga = tm.saga();
    for (int i = 0; i <= MAX_STEPS; i++) {
      saga.step("bankA", "bankA", i);
    }

    assertThatThrownBy(saga::submit).isInstanceOf(io.jdtm.InvalidTransactionException.class)
        .hasMessageContaining("at most " + MAX_STEPS + " steps");
  }
}
