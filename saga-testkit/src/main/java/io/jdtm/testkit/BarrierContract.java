package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Barrier} must do when a handler makes several barrier calls in one delivery
 * of a branch op: each call takes the next barrier id of its context (01, 02, ...), a redelivery
 * counts from 01 again, and a compensation's or cancel's call N pairs with its action's or try's
 * call N. A barrier's test extends this with a nearly empty subclass that says how a local
 * transaction moves an account's balance and how the committed balance is read; the cases
 * observe the business's effects through them. Needs JUnit 5 (or 6) and AssertJ.
 *
 * <p>Not thread-safe: JUnit runs each case on one thread.
 *
 * @param <T> the barrier's local transaction handle
 */
public abstract class BarrierContract<T> {
  private static final AtomicInteger GIDS = new AtomicInteger();
  private static final String RUN =
      Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);

  /** The barrier under test, the same one throughout a case. */
  protected abstract Barrier<T> barrier();

  /** A new account of the participant's database holding {@code balance}; its key. */
  protected abstract String openAccount(long balance) throws Exception;

  /** Adds {@code delta} to {@code account}'s balance in the local transaction {@code tx}. */
  protected abstract void add(T tx, String account, long delta) throws Exception;

  /** The committed balance of {@code account}. */
  protected abstract long balance(String account) throws Exception;

  @Test
  void call_twoCallsInOneDelivery_eachRunsOnceAndARedeliveryRunsNone() throws Exception {
    Branch branch = new Branch(1000);

    List<Outcome> first = branch.deliver(Mode.SAGA, BranchOp.ACTION, -1, -10);
    List<Outcome> again = branch.deliver(Mode.SAGA, BranchOp.ACTION, -1, -10);

    assertThat(first).containsExactly(Outcome.success(), Outcome.success());
    assertThat(again).containsExactly(Outcome.success(), Outcome.success());
    assertThat(branch.runs).hasValue(2);
    assertThat(balance(branch.account)).isEqualTo(989);
  }

  @Test
  void call_threeCallsInOneDelivery_eachActionAndCompensationRunsOnce() throws Exception {
    Branch branch = new Branch(1000);

    for (int delivery = 0; delivery < 2; delivery++) {
      branch.deliver(Mode.SAGA, BranchOp.ACTION, -1, -10, -100);
    }
    long afterActions = balance(branch.account);
    int actions = branch.runs.getAndSet(0);
    for (int delivery = 0; delivery < 2; delivery++) {
      branch.deliver(Mode.SAGA, BranchOp.COMPENSATE, 1, 10, 100);
    }

    assertThat(afterActions).isEqualTo(889);
    assertThat(actions).isEqualTo(3);
    assertThat(branch.runs).hasValue(3);
    assertThat(balance(branch.account)).isEqualTo(1000);
  }

  @Test
  void call_compensateBeforeATwoCallAction_isNullCompensationAndBlocksBothLateCalls()
      throws Exception {
    undoBeforeATwoCallOrigin_isNullAndBlocksBothLateCalls(Mode.SAGA, BranchOp.COMPENSATE);
  }

  @Test
  void call_cancelBeforeATwoCallTry_isNullCancelAndBlocksBothLateCalls() throws Exception {
    undoBeforeATwoCallOrigin_isNullAndBlocksBothLateCalls(Mode.TCC, BranchOp.CANCEL);
  }

  private void undoBeforeATwoCallOrigin_isNullAndBlocksBothLateCalls(Mode mode, BranchOp undo)
      throws Exception {
    Branch branch = new Branch(1000);

    List<Outcome> undone = branch.deliver(mode, undo, 1, 10);
    List<Outcome> lateOrigin = branch.deliver(mode, undo.origin(), -1, -10);

    assertThat(undone).containsExactly(Outcome.success(), Outcome.success());
    assertThat(lateOrigin).containsExactly(Outcome.success(), Outcome.success());
    assertThat(branch.runs).hasValue(0);
    assertThat(balance(branch.account)).isEqualTo(1000);
  }

  @Test
  void call_compensationWithFewerCallsThanTheLateAction_blocksOnlyTheMatchingCall()
      throws Exception {
    Branch branch = new Branch(1000);

    branch.deliver(Mode.SAGA, BranchOp.COMPENSATE, 1);
    List<Outcome> lateAction = branch.deliver(Mode.SAGA, BranchOp.ACTION, -1, -10);

    assertThat(lateAction).containsExactly(Outcome.success(), Outcome.success());
    assertThat(branch.runs).hasValue(1);
    assertThat(balance(branch.account)).isEqualTo(990);
  }

  @Test
  void call_redeliveryAfterADeliveryDiedAfterItsFirstCall_runsOnlyTheSecondCall()
      throws Exception {
    Branch branch = new Branch(1000);
    branch.deliver(Mode.SAGA, BranchOp.ACTION, -1); // then the process died

    List<Outcome> redelivery = branch.deliver(Mode.SAGA, BranchOp.ACTION, -1, -10);
    long afterRedelivery = balance(branch.account);
    List<Outcome> compensate = branch.deliver(Mode.SAGA, BranchOp.COMPENSATE, 1, 10);

    assertThat(redelivery).containsExactly(Outcome.success(), Outcome.success());
    assertThat(afterRedelivery).isEqualTo(989);
    assertThat(compensate).containsExactly(Outcome.success(), Outcome.success());
    assertThat(branch.runs).hasValue(4);
    assertThat(balance(branch.account)).isEqualTo(1000);
  }

  @Test
  void call_cancelAfterATryDiedAfterItsFirstCall_undoesCallOneAndBlocksTheLateCallTwo()
      throws Exception {
    Branch branch = new Branch(1000);
    branch.deliver(Mode.TCC, BranchOp.TRY, -1); // then the process died
    int tries = branch.runs.getAndSet(0);

    branch.deliver(Mode.TCC, BranchOp.CANCEL, 1, 10);
    int cancels = branch.runs.getAndSet(0);
    List<Outcome> lateTry = branch.deliver(Mode.TCC, BranchOp.TRY, -1, -10);

    assertThat(lateTry).containsExactly(Outcome.success(), Outcome.success());
    assertThat(tries).isEqualTo(1);
    assertThat(cancels).isEqualTo(1);
    assertThat(branch.runs).hasValue(0);
    assertThat(balance(branch.account)).isEqualTo(1000);
  }

  @Test
  void call_retryOfAFailedCallWithinOneDelivery_takesTheNextBarrierId() throws Exception {
    Branch branch = new Branch(1000);
    BranchContext delivery = branch.context(Mode.SAGA, BranchOp.ACTION);
    IllegalStateException transientError = new IllegalStateException("transient");

    assertThatThrownBy(() -> barrier().call(delivery, tx -> {
      throw transientError;
    })).isSameAs(transientError);
    branch.call(delivery, -1); // the retry the docs forbid: barrier id 02
    List<Outcome> redelivery = branch.deliver(Mode.SAGA, BranchOp.ACTION, -1); // id 01 again

    assertThat(redelivery).containsExactly(Outcome.success());
    assertThat(branch.runs).hasValue(2);
    assertThat(balance(branch.account)).isEqualTo(998);
  }

  @Test
  void call_secondMsgCallOfOneContext_isRefusedWithoutBusiness() throws Exception {
    Branch branch = new Branch(1000);
    BranchContext local = BranchContext.of(branch.gid, Mode.MSG, "00", BranchOp.MSG);
    branch.call(local, -1);

    assertThatThrownBy(() -> branch.call(local, -10))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("one barrier call");
    assertThat(branch.runs).hasValue(1);
    assertThat(balance(branch.account)).isEqualTo(999);
    assertThat(barrier().queryPrepared(branch.gid)).isEqualTo(Outcome.success());
  }

  /** Branch 01 of a new gid, whose business moves one new account's balance. */
  private final class Branch {
    final String gid = "bc-" + RUN + "-" + GIDS.incrementAndGet();
    final String account;
    final AtomicInteger runs = new AtomicInteger();

    Branch(long balance) throws Exception {
      account = openAccount(balance);
    }

    /** A new delivery of {@code op}: a new context, as the manager makes per call. */
    BranchContext context(Mode mode, BranchOp op) {
      return BranchContext.of(gid, mode, "01", op);
    }

    /** One delivery whose handler makes one barrier call per amount, in order. */
    List<Outcome> deliver(Mode mode, BranchOp op, long... amounts) throws Exception {
      BranchContext delivery = context(mode, op);
      List<Outcome> outcomes = new ArrayList<>();
      for (long amount : amounts) {
        outcomes.add(call(delivery, amount));
      }
      return outcomes;
    }

    /** One barrier call whose business counts its run and adds {@code amount}. */
    Outcome call(BranchContext delivery, long amount) throws Exception {
      return barrier().call(delivery, tx -> {
        runs.incrementAndGet();
        add(tx, account, amount);
        return Outcome.success();
      });
    }
  }
}
