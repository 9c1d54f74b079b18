package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchStatus;
import io.jdtm.BranchView;
import io.jdtm.CallResult;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Saga;
import io.jdtm.TransactionManager;
import io.jdtm.TransactionView;
import io.jdtm.TxResult;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxQuery;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

abstract class SagaCases {
  @Parameter StoreFixture fixture;

  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    h = new Harness(fixture);
    tm = h.manager("node-1");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private String threeSteps() {
    return tm.saga()
        .step("bankA", "bankA", new Transfer("A", -30))
        .step("bankB", "bankB", new Transfer("B", 30))
        .step("bankC", "bankC", new Transfer("C", 0))
        .submit();
  }

  private List<String> calls(String gid) {
    return h.ledger.entries(gid).stream()
        .map(e -> e.branchId() + "/" + e.op().wireName()).toList();
  }

  @Test
  void submit_allStepsSucceed_runsActionsInOrderAndSucceeds() {
    String gid = threeSteps();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(calls(gid)).containsExactly("01/action", "02/action", "03/action");
    assertThat(h.transitions(gid)).containsExactly("SUBMITTED->SUCCEEDED");
    TransactionView view = tm.find(gid).orElseThrow();
    assertThat(view.nextDueAt()).isNull();
    assertThat(view.branches()).filteredOn(b -> b.op() == ACTION)
        .extracting(BranchView::status, BranchView::attempts)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(BranchStatus.SUCCEEDED, 1));
    assertThat(view.branches()).filteredOn(b -> b.op() == COMPENSATE)
        .extracting(BranchView::attempts).containsOnly(0);
  }

  @Test
  void submit_secondActionFails_compensatesInReverseIncludingTheFailedStep() {
    h.b.script("02", ACTION, Behaviour.FAILURE);

    String gid = threeSteps();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(calls(gid)).containsExactly(
        "01/action", "02/action", "02/compensate", "01/compensate");
    assertThat(h.ledger.entries(gid)).extracting(Ledger.Entry::effect).containsExactly(
        Ledger.Effect.APPLIED, Ledger.Effect.NONE, Ledger.Effect.NULL_COMPENSATION,
        Ledger.Effect.APPLIED);
    assertThat(h.transitions(gid)).containsExactly("SUBMITTED->ABORTING", "ABORTING->FAILED");
    TransactionView view = tm.find(gid).orElseThrow();
    assertThat(view.reason()).isEqualTo("branch 02 action failed: bankB refuses action");
    assertThat(view.branch("02", ACTION).status()).isEqualTo(BranchStatus.FAILED);
    assertThat(view.branch("03", COMPENSATE).attempts()).isZero();
  }

  @Test
  void submit_firstActionFails_compensatesOnlyIt() {
    h.a.script("01", ACTION, Behaviour.FAILURE);

    String gid = threeSteps();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(calls(gid)).containsExactly("01/action", "01/compensate");
  }

  @Test
  void unknownOutcome_retriesWithGrowingBackoffThenSucceeds() {
    h.b.script("02", ACTION, Behaviour.THROW, Behaviour.THROW);
    Instant t0 = h.clock.instant();

    String gid = threeSteps();

    BranchView first = tm.find(gid).orElseThrow().branch("02", ACTION);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.lastError()).contains("scripted THROW");
    Duration firstDelay = Duration.between(t0, first.retryAt());
    assertThat(firstDelay).isBetween(Duration.ofSeconds(15), Harness.RETRY.multipliedBy(2));
    assertThat(tm.find(gid).orElseThrow().nextDueAt()).isEqualTo(first.retryAt());

    h.clock.set(first.retryAt().minusMillis(1));
    assertThat(tm.runRecoveryPass().size()).isZero();

    h.clock.set(first.retryAt());
    assertThat(tm.runRecoveryPass().size()).isEqualTo(1);
    BranchView second = tm.find(gid).orElseThrow().branch("02", ACTION);
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(Duration.between(first.retryAt(), second.retryAt()))
        .isBetween(Duration.ofSeconds(30), Duration.ofSeconds(40));

    h.clock.set(second.retryAt());
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isEqualTo(3);
    assertThat(h.branchEvents).filteredOn(e -> e.gid().equals(gid) && e.branchId().equals("02"))
        .extracting(e -> e.result() + "#" + e.attempt())
        .containsExactly("UNKNOWN#1", "UNKNOWN#2", "SUCCESS#3");
  }

  @Test
  void unknownOutcomes_withoutJitter_waitTwiceTheIntervalThenDoubleAsInDtm() {
    TransactionManager exact = h.manager("no-jitter", b -> b.random(() -> 0L));
    h.b.script("01", ACTION, Behaviour.THROW, Behaviour.THROW, Behaviour.THROW);

    String gid = exact.saga().step("bankB", "bankB", new Transfer("B", 1)).submit();

    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Instant retryAt = exact.find(gid).orElseThrow().branch("01", ACTION).retryAt();
      waits.add(Duration.between(h.clock.instant(), retryAt));
      h.clock.set(retryAt);
      exact.runRecoveryPass();
    }

    assertThat(waits).containsExactly(Harness.RETRY.multipliedBy(2),
        Harness.RETRY.multipliedBy(4), Harness.RETRY.multipliedBy(8));
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.calls(gid, "01", ACTION)).isEqualTo(4);
  }

  @Test
  void effectThenLostAnswer_isRetriedAndTakesEffectOnce() {
    h.a.script("01", ACTION, Behaviour.EFFECT_THEN_THROW);

    String gid = threeSteps();
    h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.calls(gid, "01", ACTION)).isEqualTo(2);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
  }

  @Test
  void ongoing_isCalledAgainAtTheRetryIntervalWithoutGrowth() {
    h.a.script("01", ACTION, Behaviour.ONGOING, Behaviour.ONGOING, Behaviour.ONGOING);
    Instant t0 = h.clock.instant();

    String gid = threeSteps();

    for (int i = 1; i <= 3; i++) {
      BranchView v = tm.find(gid).orElseThrow().branch("01", ACTION);
      assertThat(v.attempts()).isEqualTo(i);
      assertThat(v.retryAt()).isEqualTo(t0.plus(Harness.RETRY.multipliedBy(i)));
      h.clock.set(v.retryAt());
      tm.runRecoveryPass();
    }

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
  }

  @Test
  void timeoutToFail_rollsBackEveryActionThatMayHaveRun() {
    h.b.script("02", ACTION, Behaviour.THROW, Behaviour.THROW, Behaviour.THROW);
    String gid = tm.saga()
        .step("bankA", "bankA", new Transfer("A", -30))
        .step("bankB", "bankB", new Transfer("B", 30))
        .step("bankC", "bankC", new Transfer("C", 0))
        .timeoutToFail(Duration.ofSeconds(25))
        .submit();

    h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
    tm.runRecoveryPass(); // second try fails; the next retry would come after the deadline
    assertThat(tm.find(gid).orElseThrow().nextDueAt())
        .isEqualTo(ManualClockStart.T0.plusSeconds(25));
    h.clock.set(ManualClockStart.T0.plusSeconds(25));
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(tm.find(gid).orElseThrow().reason()).isEqualTo("timed out after PT25S");
    assertThat(calls(gid)).containsExactly("01/action", "02/action", "02/action",
        "02/compensate", "01/compensate");
    assertThat(h.ledger.calls(gid, "03", ACTION)).isZero();
  }

  @Test
  void retryLimit_rollsBackAfterLimitPlusOneCalls() {
    h.b.script("02", ACTION, Behaviour.THROW, Behaviour.THROW, Behaviour.THROW, Behaviour.THROW);
    String gid = tm.saga()
        .step("bankA", "bankA", new Transfer("A", -30))
        .step("bankB", "bankB", new Transfer("B", 30))
        .retryLimit(2)
        .submit();

    for (int i = 0; i < 2; i++) {
      h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isEqualTo(3);
    assertThat(tm.find(gid).orElseThrow().reason())
        .startsWith("branch 02 action: retry limit 2 reached: ");
    assertThat(calls(gid)).endsWith("02/compensate", "01/compensate");
  }

  @Test
  void failingCompensation_isRetriedUntilItSucceeds() {
    h.b.script("02", ACTION, Behaviour.FAILURE);
    h.a.script("01", COMPENSATE, Behaviour.FAILURE, Behaviour.THROW, Behaviour.ONGOING);

    String gid = tm.saga()
        .step("bankA", "bankA", new Transfer("A", -30))
        .step("bankB", "bankB", new Transfer("B", 30))
        .submit();
    for (int i = 0; i < 3; i++) {
      assertThat(h.status(gid)).isEqualTo(TxStatus.ABORTING);
      h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.ledger.calls(gid, "01", COMPENSATE)).isEqualTo(4);
    assertThat(h.ledger.effects(gid, "01", COMPENSATE)).isEqualTo(1);
    assertThat(h.branchEvents).filteredOn(e -> e.gid().equals(gid) && e.op() == COMPENSATE
            && e.branchId().equals("01"))
        .extracting(e -> e.result()).containsExactly(CallResult.FAILURE, CallResult.UNKNOWN,
            CallResult.ONGOING, CallResult.SUCCESS);
  }

  @Test
  void submitAndWait_returnsTheTerminalStatus() {
    TxStatus status = tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .submitAndWait(Duration.ofSeconds(5)).status();

    assertThat(status).isEqualTo(TxStatus.SUCCEEDED);
  }

  @Test
  void await_unfinished_returnsCurrentStatusWhenTimeRunsOut() {
    h.a.script("01", ACTION, Behaviour.THROW);
    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();

    assertThat(tm.await(gid, Duration.ofMillis(20)).status()).isEqualTo(TxStatus.SUBMITTED);
  }

  @Test
  void submitAndWait_actionRefused_resultCarriesTheRollbackReason() {
    h.b.script("02", ACTION, Behaviour.FAILURE);

    TxResult result = tm.saga("refused")
        .step("bankA", "bankA", new Transfer("A", -1))
        .step("bankB", "bankB", new Transfer("B", 1))
        .submitAndWait(Duration.ofSeconds(5));

    assertThat(result.gid()).isEqualTo("refused");
    assertThat(result.status()).isEqualTo(TxStatus.FAILED);
    assertThat(result.reason()).hasValue("branch 02 action failed: bankB refuses action");
    assertThat(result.lastError()).hasValue("branch 02 action: bankB refuses action");
  }

  @Test
  void await_afterAHandlerThrew_anotherInstanceSeesTheLastError() {
    h.a.script("01", ACTION, Behaviour.THROW);
    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();

    TxResult result = h.manager("node-2").await(gid, Duration.ofMillis(20));

    assertThat(result.status()).isEqualTo(TxStatus.SUBMITTED);
    assertThat(result.reason()).isEmpty();
    assertThat(result.lastError()).hasValue("branch 01 action: handler threw "
        + "java.lang.IllegalStateException: bankA: scripted THROW on action");
  }

  @Test
  void await_succeededAfterAnError_hasNoLastError() {
    h.a.script("01", ACTION, Behaviour.THROW);
    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();
    h.clock.advance(Harness.LEASE);
    tm.runRecoveryPass();

    TxResult result = tm.await(gid, Duration.ofSeconds(5));

    assertThat(result).isEqualTo(new TxResult(gid, TxStatus.SUCCEEDED, null, null));
  }

  @Test
  void find_showsTheStoredOptions() {
    String gid = tm.saga()
        .step("bankA", "bankA", new Transfer("A", 1))
        .timeoutToFail(Duration.ofMinutes(5))
        .retryInterval(Duration.ofSeconds(3))
        .retryLimit(2)
        .requestTimeout(Duration.ofSeconds(4))
        .submit();

    assertThat(tm.find(gid).orElseThrow().options()).isEqualTo(new TxOptions(
        Duration.ofMinutes(5), Duration.ofSeconds(3), 2, Duration.ofSeconds(4), false));
  }

  /** A first step with these ops, then a second step whose action is refused. */
  private String rolledBack(String action, String compensate) {
    h.b.script("02", ACTION, Behaviour.FAILURE);
    return tm.saga()
        .step(action, compensate, new Transfer("A", 30))
        .step("bankB", "bankB", new Transfer("B", 30))
        .submit();
  }

  @Test
  void stepWithoutCompensation_rollback_passesItOverWithoutACall() {
    String gid = rolledBack("bankA", Saga.NONE);

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(calls(gid)).containsExactly("01/action", "02/action", "02/compensate");
    BranchView none = tm.find(gid).orElseThrow().branch("01", COMPENSATE);
    assertThat(none.target()).isEqualTo(Saga.NONE);
    assertThat(none.status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(none.attempts()).isZero();
  }

  @Test
  void stepWithoutAction_succeedsWithoutACallAndIsCompensatedOnRollback() {
    String gid = rolledBack(Saga.NONE, "bankA");

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(calls(gid)).containsExactly("02/action", "02/compensate", "01/compensate");
    BranchView none = tm.find(gid).orElseThrow().branch("01", ACTION);
    assertThat(none.status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(none.attempts()).isZero();
  }

  @Test
  void missingOps_areStoredAsNoneAndRecoveredTheSame() {
    TransactionManager dead = h.manager("dead", b -> b.executor(task -> {}));
    String gid = dead.saga()
        .step(Saga.NONE, "bankA", new Transfer("A", 1))
        .step("bankB", Saga.NONE, new Transfer("B", 1))
        .submit();
    dead.halt();
    assertThat(h.store.load(gid).orElseThrow().branches())
        .extracting(b -> b.branchId() + "/" + b.op().wireName() + "=" + b.target())
        .containsExactly("01/action=none:", "01/compensate=handler:bankA",
            "02/action=handler:bankB", "02/compensate=none:");

    h.clock.advance(Harness.LEASE);
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(calls(gid)).containsExactly("02/action");
  }

  @Test
  void missingOps_outsideASagaStepOrBoth_areRejected() {
    assertThatThrownBy(() -> tm.saga().step(Saga.NONE, Saga.NONE, 1).submit())
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("step 0 has neither an action nor a compensation");
    assertThatThrownBy(() -> tm.saga().step("bankA", null, 1).submit())
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("Saga.NONE");
    assertThatThrownBy(() -> tm.saga().step("", "bankA", 1).submit())
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("Saga.NONE");
    assertThatThrownBy(() -> tm.msg().add(Saga.NONE, 1).checkBack("bankC").prepare())
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("only stands for the missing action or compensation of a saga");
    assertThat(h.store.query(TxQuery.all(10)).records()).isEmpty();
  }

  @Test
  void customData_isStoredAndShown() {
    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .customData("order 42").submit();

    assertThat(tm.find(gid).orElseThrow().customData()).isEqualTo("order 42");
  }
}
