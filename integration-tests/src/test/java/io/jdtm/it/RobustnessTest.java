package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.CallResult;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.PayloadCodecException;
import io.jdtm.TransactionListener;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RobustnessTest {
  private Harness h;

  /** A payload type the codec cannot instantiate. */
  interface Command {}

  record Debit(long cents) implements Command {}

  /** An Error a handler (or a library it calls) may throw; not a VM error. */
  static final class BusinessError extends Error {
    BusinessError(String m) {
      super(m);
    }
  }

  @BeforeEach
  void setUp() {
    h = new Harness();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /**
   * DESIGN 2: "any exception ... is unknown and is retried with backoff". BranchInvoker.run
   * catches Exception, LinkageError and AssertionError only; any other Error escapes the
   * invoker, the runner and Engine.driveSafely. With a caller-runs executor it even escapes
   * submit(), whose contract is "durable when it returns" or a JdtmException.
   */
  @Test
  void handlerThrowingAnError_isAnUnknownOutcomeAndSubmitReturns() {
    AtomicInteger calls = new AtomicInteger();
    TransactionManager tm = h.manager("n", b -> b.handler("err", Object.class, (ctx, p) -> {
      if (calls.incrementAndGet() == 1) {
        throw new BusinessError("boom");
      }
      return Outcome.success();
    }));

    String gid = tm.saga("err-1").step("err", "bankA", new Transfer("A", 1)).gid();
    assertThatCode(() -> tm.saga("err-1").step("err", "bankA", new Transfer("A", 1)).submit())
        .doesNotThrowAnyException();

    BranchRecord action = h.store.load(gid).orElseThrow().branch("01", ACTION).orElseThrow();
    assertThat(action.attempts()).as("the failed call counts as an attempt").isEqualTo(1);
    assertThat(h.branchEvents).extracting(e -> e.result()).containsExactly(CallResult.UNKNOWN);
  }

  /**
   * TransactionListener: "Exceptions it throws are logged and ignored." Events only catches
   * RuntimeException; an AssertionError from a listener (typical in tests/alerting code) stops
   * the drive after the first durable write: the saga sits in SUBMITTED until its lease ends.
   */
  @Test
  void listenerThrowingAnAssertionError_doesNotStopTheTransaction() {
    TransactionManager tm = h.manager("n", b -> b.listener(new TransactionListener() {
      @Override
      public void onBranchCall(io.jdtm.BranchEvent event) {
        throw new AssertionError("listener bug");
      }
    }));

    String gid = tm.saga()
        .step("bankA", "bankA", new Transfer("A", -1))
        .step("bankB", "bankB", new Transfer("B", 1))
        .submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
  }

  /**
   * Payloads.checkFits skips the decode check when the payload is an instance of the handler's
   * type. For an interface/abstract payload type the codec can never decode it: submit accepts
   * the saga, and every call ends NOT_CALLED ("payload does not decode") forever: no attempt is
   * counted, retryLimit cannot fire, and without timeoutToFail it is never terminal.
   */
  @Test
  void payloadThatCannotBeDecodedIntoTheHandlerType_isRejectedAtSubmit() {
    TransactionManager tm = h.manager("n", b -> b.handler("debit", Command.class,
        (ctx, cmd) -> Outcome.success()));

    assertThatThrownBy(() -> tm.saga("fit-1").step("debit", "bankA", new Debit(5)).retryLimit(0)
        .submit())
        .isInstanceOf(PayloadCodecException.class);
    assertThat(h.store.load("fit-1")).isEmpty();
  }

  /**
   * RELIABILITY (Security): "a corrupt record fails that transaction (visible to admin queries),
   * never the recovery loop". A stored saga whose action target is unusable is retried as
   * NOT_CALLED every retry interval forever: it never fails, never aborts, and (no attempt being
   * counted) no retryLimit applies.
   */
  @Test
  void corruptStoredActionTarget_failsTheTransaction() {
    TransactionManager tm = h.manager("n");
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    TxRecord corrupt = TxRecord.builder()
        .gid("corrupt-1").mode(Mode.SAGA).status(TxStatus.SUBMITTED).version(1)
        .leaseOwner("dead").leaseEpoch(1)
        .createdAt(h.clock.instant()).updatedAt(h.clock.instant())
        .nextDueAt(h.clock.instant())
        .options(new TxOptions(null, Duration.ofSeconds(10), 2, Duration.ofSeconds(5), false))
        .branches(List.of(
            BranchRecord.prepared("01", ACTION, "ftp://nowhere/x", payload, List.of()),
            BranchRecord.prepared("01", COMPENSATE, "handler:bankA", payload, List.of())))
        .build();
    h.store.create(corrupt);

    for (int i = 0; i < 20; i++) {
      tm.runRecoveryPass();
      h.clock.advance(Duration.ofMinutes(1));
    }

    assertThat(h.status("corrupt-1")).isIn(TxStatus.ABORTING, TxStatus.FAILED);
  }
}
