package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.DuplicateTransactionException;
import io.jdtm.InvalidTransactionException;
import io.jdtm.NoSuchHandlerException;
import io.jdtm.Outcome;
import io.jdtm.PayloadCodecException;
import io.jdtm.Saga;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Idempotent submit, and bad input: a specific error, and nothing stored or called. */
abstract class SubmitValidationCases {
  @Parameter StoreFixture fixture;

  private Harness h;
  private TransactionManager tm;

  /** Payload type of the typed handler. */
  record Amount(long cents) {}

  /** Jackson cannot serialize this: its getter throws. */
  static final class Unencodable {
    public String getValue() {
      throw new IllegalStateException("no");
    }
  }

  @BeforeEach
  void setUp() {
    h = new Harness(fixture);
    tm = h.manager("node-1", b -> b
        .handler("typed", Amount.class, (ctx, a) -> Outcome.success())
        .maxPayloadBytes(1024));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void assertNothingStoredOrCalled() {
    assertThat(h.store.query(TxQuery.all(10)).records()).isEmpty();
    assertThat(h.ledger.entries()).isEmpty();
  }

  @Test
  void submit_sameGidSameContent_isANoOp() {
    String gid = tm.saga("order-1").step("bankA", "bankA", new Transfer("A", 1)).submit();
    long version = h.store.load(gid).orElseThrow().version();

    String again = tm.saga("order-1").step("bankA", "bankA", new Transfer("A", 1)).submit();

    assertThat(again).isEqualTo(gid);
    assertThat(h.ledger.entries(gid)).hasSize(1);
    assertThat(h.store.load(gid).orElseThrow().version()).isEqualTo(version);
  }

  @Test
  void submit_sameGidWhileStillRunning_doesNotRunItTwice() {
    h.a.script("01", io.jdtm.BranchOp.ACTION, io.jdtm.testkit.Behaviour.THROW);
    tm.saga("order-2").step("bankA", "bankA", new Transfer("A", 1)).submit();

    tm.saga("order-2").step("bankA", "bankA", new Transfer("A", 1)).submit();

    assertThat(h.ledger.calls("order-2", "01", io.jdtm.BranchOp.ACTION)).isEqualTo(1);
    assertThat(h.status("order-2")).isEqualTo(TxStatus.SUBMITTED);
  }

  @Test
  void submit_sameGidOtherContent_isRejectedAndChangesNothing() {
    tm.saga("order-3").step("bankA", "bankA", new Transfer("A", 1)).submit();
    var stored = h.store.load("order-3").orElseThrow();

    assertThatThrownBy(() -> tm.saga("order-3").step("bankA", "bankA", new Transfer("A", 2))
        .submit())
        .isInstanceOf(DuplicateTransactionException.class)
        .hasMessageContaining("order-3")
        .hasMessageContaining("branch 01/action differs");
    assertThat(h.store.load("order-3")).contains(stored);
  }

  @Test
  void saga_invalidGid_isRejected() {
    for (String bad : new String[] {"", "has space", "a/b", "x".repeat(129), "ü", "tab\t"}) {
      assertThatThrownBy(() -> tm.saga(bad))
          .as("gid '%s'", bad)
          .isInstanceOf(InvalidTransactionException.class)
          .hasMessageContaining("invalid gid");
    }
    assertThatThrownBy(() -> tm.saga(null)).isInstanceOf(InvalidTransactionException.class);
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_unknownHandler_namesItAndStoresNothing() {
    Saga saga = tm.saga().step("bankA", "nobodyHome", new Transfer("A", 1));

    assertThatThrownBy(saga::submit)
        .isInstanceOf(NoSuchHandlerException.class)
        .hasMessageContaining("'nobodyHome'")
        .hasMessageContaining("op=compensate")
        .hasMessageContaining("branch=01");
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_unsupportedTargets_areRejected() {
    for (String target : new String[] {"ftp://x/y", "handler:", "9lives", "http://", 
        "http://user:secret@host/x", "http://host/x#frag", "http://bad host/"}) {
      Saga saga = tm.saga().step(target, "bankA", new Transfer("A", 1));
      assertThatThrownBy(saga::submit)
          .as("target %s", target)
          .isInstanceOf(InvalidTransactionException.class)
          .hasMessageNotContaining("secret");
    }
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_payloadThatDoesNotEncode_isRejected() {
    Saga saga = tm.saga().step("bankA", "bankA", new Unencodable());

    assertThatThrownBy(saga::submit)
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("cannot encode payload")
        .hasMessageContaining("branch=01");
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_payloadOverTheLimit_isRejected() {
    Saga saga = tm.saga().step("bankA", "bankA", "x".repeat(2000));

    assertThatThrownBy(saga::submit)
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("2002 bytes")
        .hasMessageContaining("limit is 1024");
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_payloadThatDoesNotFitTheHandlerType_isRejected() {
    Saga saga = tm.saga().step("typed", "typed", "not an amount");

    assertThatThrownBy(saga::submit)
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("does not fit handler 'typed'")
        .hasMessageContaining(Amount.class.getName());
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_payloadOfAnotherTypeThatFits_isAccepted() {
    String gid = tm.saga().step("typed", "typed", java.util.Map.of("cents", 5)).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
  }

  @Test
  void submit_cyclicOrder_isRejected() {
    Saga saga = tm.saga().concurrent()
        .step("bankA", "bankA", 1).step("bankB", "bankB", 2).step("bankC", "bankC", 3)
        .after(0, 2).after(1, 0).after(2, 1);

    assertThatThrownBy(saga::submit)
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("cycle through steps [0, 1, 2]");
    assertNothingStoredOrCalled();
  }

  @Test
  void submit_badOrders_areRejected() {
    assertThatThrownBy(tm.saga().concurrent().step("bankA", "bankA", 1).after(0, 0)::submit)
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("after itself");
    assertThatThrownBy(tm.saga().concurrent().step("bankA", "bankA", 1).after(0, 3)::submit)
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("out of range");
    assertThatThrownBy(tm.saga().step("bankA", "bankA", 1).step("bankA", "bankA", 1)
        .after(1, 0)::submit)
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("concurrent()");
    assertThatThrownBy(tm.saga()::submit)
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("at least one step");
    assertNothingStoredOrCalled();
  }

  @Test
  void options_invalidValues_areRejectedWhenSet() {
    Saga saga = tm.saga();

    assertThatThrownBy(() -> saga.timeoutToFail(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutToFail");
    assertThatThrownBy(() -> saga.retryLimit(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryLimit");
    assertThatThrownBy(() -> saga.requestTimeout(java.time.Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
  }

  @Test
  void builder_leaseShorterThanTwoRequestTimeouts_failsAtBuild() {
    var builder = io.jdtm.TransactionManager.builder().store(h.store)
        .lease(java.time.Duration.ofSeconds(5)).requestTimeout(java.time.Duration.ofSeconds(3));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lease PT5S must be at least twice the request timeout PT3S");
  }

  @Test
  void builder_withoutStore_failsAtBuild() {
    assertThatThrownBy(io.jdtm.TransactionManager.builder()::build)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a store is required");
  }

  @Test
  void builder_duplicateOrInvalidHandlerNames_areRejectedWhenSet() {
    var builder = io.jdtm.TransactionManager.builder();
    builder.handler("h", Object.class, (ctx, p) -> Outcome.success());

    assertThatThrownBy(() -> builder.handler("h", Object.class, (ctx, p) -> Outcome.success()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registered already");
    assertThatThrownBy(() -> builder.handler("no spaces", Object.class,
        (ctx, p) -> Outcome.success()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'no spaces'");
  }

  @Test
  void closedManager_refusesSubmit() {
    tm.close();

    assertThatThrownBy(tm.saga().step("bankA", "bankA", 1)::submit)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
