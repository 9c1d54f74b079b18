package io.jdtm.it;

import static io.jdtm.BranchOp.CANCEL;
import static io.jdtm.BranchOp.CONFIRM;
import static io.jdtm.BranchOp.TRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchFailedException;
import io.jdtm.CallResult;
import io.jdtm.DuplicateTransactionException;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TryResult;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** TCC on every store: try inline, confirm all or cancel all, recovery of a dead initiator. */
abstract class TccCases {
  @Parameter StoreFixture fixture;

  Harness h;
  TransactionManager tm;
  final AtomicReference<TransactionManager> self = new AtomicReference<>();

  @BeforeEach
  void setUp() {
    h = new Harness(fixture);
    tm = h.manager("node-1", b -> b.handler("nestingTry", Object.class, (ctx, p) -> {
      self.get().joinTcc(ctx).branch("bankC", "bankC", "bankC", p);
      return h.a.handle(ctx);
    }).handler("reserve", Object.class, (ctx, p) -> Outcome.success("reservation-" + p)));
    self.set(tm);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private List<String> calls(String gid) {
    return h.ledger.entries(gid).stream()
        .map(e -> e.branchId() + "/" + e.op().wireName()).toList();
  }

  private String twoBranches() {
    return tm.tcc(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", new Transfer("A", -30));
      tcc.branch("bankB", "bankB", "bankB", new Transfer("B", 30));
    });
  }

  @Test
  void body_returns_confirmsEveryBranchInReverseRegistrationOrder() {
    String gid = twoBranches();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(calls(gid)).containsExactly("01/try", "02/try", "02/confirm", "01/confirm");
    assertThat(h.transitions(gid)).containsExactly("PREPARED->SUBMITTED", "SUBMITTED->SUCCEEDED");
  }

  @Test
  void threeBranches_confirmAndCancel_bothRunInReverseRegistrationOrder() {
    String confirmed = tm.tcc(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", 1);
      tcc.branch("bankB", "bankB", "bankB", 2);
      tcc.branch("bankC", "bankC", "bankC", 3);
    });
    assertThatThrownBy(() -> tm.tcc("cancelled").execute(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", 1);
      tcc.branch("bankB", "bankB", "bankB", 2);
      tcc.branch("bankC", "bankC", "bankC", 3);
      throw new IllegalStateException("changed my mind");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(calls(confirmed)).containsExactly(
        "01/try", "02/try", "03/try", "03/confirm", "02/confirm", "01/confirm");
    assertThat(calls("cancelled")).containsExactly(
        "01/try", "02/try", "03/try", "03/cancel", "02/cancel", "01/cancel");
  }

  @Test
  void branch_returnsWhatTheTryReturned() {
    AtomicReference<TryResult> reserved = new AtomicReference<>();
    AtomicReference<TryResult> plain = new AtomicReference<>();

    tm.tcc("with-result", tcc -> {
      reserved.set(tcc.branch("reserve", "bankA", "bankA", 7));
      plain.set(tcc.branch("bankB", "bankB", "bankB", 1));
    });

    assertThat(reserved.get()).isEqualTo(new TryResult("01", "reservation-7"));
    assertThat(plain.get()).isEqualTo(new TryResult("02", null));
    assertThat(h.status("with-result")).isEqualTo(TxStatus.SUCCEEDED);
  }

  @Test
  void tryRefused_abortsAndCancelsEveryRegisteredBranchInReverse() {
    h.b.script("02", TRY, Behaviour.FAILURE);

    assertThatThrownBy(this::twoBranches)
        .isInstanceOf(BranchFailedException.class)
        .satisfies(e -> assertThat(((BranchFailedException) e).result())
            .isEqualTo(CallResult.FAILURE))
        .hasMessageContaining("try of branch 02");

    String gid = h.ledger.entries().get(0).gid();
    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(calls(gid)).containsExactly("01/try", "02/try", "02/cancel", "01/cancel");
    assertThat(h.ledger.entries(gid)).extracting(Ledger.Entry::effect).containsExactly(
        Ledger.Effect.APPLIED, Ledger.Effect.NONE, Ledger.Effect.NULL_COMPENSATION,
        Ledger.Effect.APPLIED);
  }

  @Test
  void bodyThrows_itsOwnExceptionPropagatesAfterTheAbortIsRecorded() {
    IllegalStateException boom = new IllegalStateException("out of stock");

    assertThatThrownBy(() -> tm.tcc("order-7").execute(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", 1);
      throw boom;
    })).isSameAs(boom);

    assertThat(h.status("order-7")).isEqualTo(TxStatus.FAILED);
    assertThat(tm.find("order-7").orElseThrow().reason()).contains("out of stock");
    assertThat(h.ledger.effects("order-7", "01", CANCEL)).isEqualTo(1);
  }

  @Test
  void confirmAndCancel_areRetriedUntilTheySucceed() {
    h.a.script("01", CONFIRM, Behaviour.THROW, Behaviour.FAILURE);
    String gid = twoBranches();
    for (int i = 0; i < 2; i++) {
      h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.calls(gid, "01", CONFIRM)).isEqualTo(3);

    h.c.script("01", CANCEL, Behaviour.ONGOING, Behaviour.THROW);
    assertThatThrownBy(() -> tm.tcc("undo-me").execute(tcc -> {
      tcc.branch("bankC", "bankC", "bankC", 1);
      throw new IllegalArgumentException("no");
    })).isInstanceOf(IllegalArgumentException.class);
    for (int i = 0; i < 2; i++) {
      h.clock.set(tm.find("undo-me").orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }
    assertThat(h.status("undo-me")).isEqualTo(TxStatus.FAILED);
    assertThat(h.ledger.effects("undo-me", "01", CANCEL)).isEqualTo(1);
  }

  @Test
  void initiatorDiesInTheBody_recoveryAbortsAfterThePreparedTimeout() {
    TransactionManager doomed = h.manager("doomed");
    TransactionManager survivor = h.manager("survivor");

    assertThatThrownBy(() -> doomed.tcc("dies").execute(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", 1);
      doomed.halt();
      throw new IllegalStateException("crash");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(h.status("dies")).isEqualTo(TxStatus.PREPARED);

    h.clock.advance(Duration.ofSeconds(34));
    assertThat(survivor.runRecoveryPass().size()).isZero();
    h.clock.advance(Duration.ofSeconds(1));
    survivor.runRecoveryPass();

    assertThat(h.status("dies")).isEqualTo(TxStatus.FAILED);
    assertThat(tm.find("dies").orElseThrow().reason()).contains("still PREPARED after PT35S");
    assertThat(h.ledger.effects("dies", "01", CANCEL)).isEqualTo(1);
  }

  @Test
  void nestedBranch_registeredInsideATry_isConfirmedBeforeItsOuterBranch() {
    String gid = tm.tcc(tcc -> tcc.branch("nestingTry", "bankA", "bankA", 5));

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(calls(gid)).containsExactly("01-01/try", "01/try", "01-01/confirm", "01/confirm");
  }

  @Test
  void nestedTryRefused_cancelsTheNestedAndTheOuterBranch() {
    h.c.script("01-01", TRY, Behaviour.FAILURE);

    assertThatThrownBy(() -> tm.tcc("nested-fails").execute(
        tcc -> tcc.branch("nestingTry", "bankA", "bankA", 5)))
        .isInstanceOf(BranchFailedException.class);

    assertThat(h.status("nested-fails")).isEqualTo(TxStatus.FAILED);
    assertThat(calls("nested-fails")).containsExactly("01-01/try", "01-01/cancel", "01/cancel");
  }

  @Test
  void tryAnsweringLate_afterItsCancel_hasNoEffect() {
    h.a.script("01", TRY, Behaviour.THROW); // the inline call fails: no answer
    assertThatThrownBy(() -> tm.tcc("late").execute(
        tcc -> tcc.branch("bankA", "bankA", "bankA", 5)))
        .isInstanceOf(BranchFailedException.class);
    assertThat(h.ledger.entries("late")).extracting(Ledger.Entry::effect)
        .containsExactly(Ledger.Effect.NONE, Ledger.Effect.NULL_COMPENSATION);

    // The try, delayed in the network, arrives after the cancel.
    h.a.redeliver(io.jdtm.BranchContext.of("late", io.jdtm.Mode.TCC, "01", TRY));

    assertThat(h.ledger.effects("late", "01", TRY)).isZero();
    assertThat(h.ledger.entries("late").get(2).effect()).isEqualTo(Ledger.Effect.HANGING_BLOCKED);
  }

  @Test
  void sameGidTwice_isRejected() {
    tm.tcc("once").execute(tcc -> tcc.branch("bankA", "bankA", "bankA", 1));

    assertThatThrownBy(() -> tm.tcc("once").execute(tcc -> { }))
        .isInstanceOf(DuplicateTransactionException.class);
  }

  @Test
  void joinTcc_outsideATry_isRejected() {
    assertThatThrownBy(() -> tm.joinTcc(io.jdtm.BranchContext.of("x", io.jdtm.Mode.SAGA, "01",
        io.jdtm.BranchOp.ACTION))).isInstanceOf(io.jdtm.InvalidTransactionException.class);
    Outcome.success();
  }
}
