package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Outcome;
import io.jdtm.PayloadCodecException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Java handler on the manager that submitted the transaction receives the submitted payload
 * object (no decode of what was just encoded); a handler of a wider type, or any handler after the
 * transaction left that manager, receives a copy decoded from the store. A payload that does not
 * encode still fails the submit.
 */
class InProcessPayloadTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A payload that cannot be encoded. */
  static final class Unencodable {
    public String getValue() {
      throw new IllegalStateException("no");
    }
  }

  private final Harness h = new Harness();
  private final List<Object> received = new CopyOnWriteArrayList<>();
  private final List<Object> receivedWide = new CopyOnWriteArrayList<>();
  private final AtomicBoolean failNext = new AtomicBoolean();

  @AfterEach
  void tearDown() {
    h.close();
  }

  private TransactionManager manager(String id) {
    return h.manager(id, b -> b
        .handler("take", Transfer.class, (ctx, payload) -> {
          received.add(payload);
          if (failNext.getAndSet(false)) {
            throw new IllegalStateException("outcome unknown");
          }
          return Outcome.success();
        })
        .handler("takeMap", Map.class, (ctx, payload) -> {
          receivedWide.add(payload);
          return Outcome.success();
        })
        .handler("takeUnencodable", Unencodable.class, (ctx, payload) -> {
          received.add(payload);
          return Outcome.success();
        }));
  }

  @Test
  void submit_handlerOfThePayloadsClass_receivesTheSubmittedObject() {
    TransactionManager tm = manager("n1");
    Transfer first = new Transfer("A", 1);
    Transfer second = new Transfer("B", 2);

    String gid = tm.saga().step("take", "take", first).step("take", "take", second).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(received).hasSize(2);
    assertThat(received.get(0)).isSameAs(first);
    assertThat(received.get(1)).isSameAs(second);
  }

  @Test
  void submitAndWait_handlerOfThePayloadsClass_receivesTheSubmittedObject() {
    TransactionManager tm = manager("n1");
    Transfer transfer = new Transfer("A", 1);

    TxStatus status = tm.saga().step("take", "take", transfer).submitAndWait(TIMEOUT).status();

    assertThat(status).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(received).singleElement().isSameAs(transfer);
  }

  @Test
  void submit_handlerOfAWiderType_receivesADecodedCopy() {
    TransactionManager tm = manager("n1");
    Transfer transfer = new Transfer("A", 1);

    String gid = tm.saga().step("takeMap", "takeMap", transfer).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(receivedWide).singleElement()
        .isEqualTo(Map.of("account", "A", "amount", 1));
  }

  @Test
  void afterHaltAndRecoveryOnAnotherManager_handlerReceivesADecodedCopy() {
    TransactionManager first = manager("first");
    Transfer transfer = new Transfer("A", 1);
    failNext.set(true); // the first call's outcome is unknown: the saga waits for a retry

    String gid = first.saga().step("take", "take", transfer).submit();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(received).singleElement().isSameAs(transfer);
    first.halt();

    TransactionManager second = manager("second");
    h.clock.advance(Harness.LEASE);
    second.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(received).hasSize(2);
    assertThat(received.get(1)).isNotSameAs(transfer).isEqualTo(transfer);
  }

  @Test
  void retryOnTheSubmittingManagerAfterItLetGo_receivesADecodedCopy() {
    TransactionManager tm = manager("n1");
    Transfer transfer = new Transfer("A", 1);
    failNext.set(true);

    String gid = tm.saga().step("take", "take", transfer).submit();
    h.clock.advance(Harness.LEASE);
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(received).hasSize(2);
    assertThat(received.get(0)).isSameAs(transfer);
    assertThat(received.get(1)).isNotSameAs(transfer).isEqualTo(transfer);
    assertThat(tm.find(gid).orElseThrow().branch("01", ACTION).attempts()).isEqualTo(2);
  }

  @Test
  void submitAndWait_payloadThatDoesNotEncode_failsAtSubmit_evenForAHandlerOfItsClass() {
    TransactionManager tm = manager("n1");

    assertThatThrownBy(() -> tm.saga().step("takeUnencodable", "takeUnencodable",
        new Unencodable()).submitAndWait(TIMEOUT))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("cannot encode payload");
    assertThatThrownBy(() -> tm.saga().step("takeUnencodable", "takeUnencodable",
        new Unencodable()).submit())
        .isInstanceOf(PayloadCodecException.class);
    assertThat(h.store.query(TxQuery.all(10)).records()).isEmpty();
    assertThat(received).isEmpty();
  }
}
