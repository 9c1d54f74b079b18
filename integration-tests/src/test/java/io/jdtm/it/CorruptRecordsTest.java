package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stored records that a broken or hostile writer left behind: type ids naming classes, payloads
 * nested too deep or holding huge strings. Nothing is instantiated but the handler's own type, a
 * payload that cannot decode fails its transaction visibly, and recovery keeps serving the rest.
 */
class CorruptRecordsTest {
  /** Proves whether anything ever instantiated it. */
  public static final class Sentinel {
    static volatile boolean created;

    public Sentinel() {
      created = true;
    }
  }

  private final Harness h = new Harness();
  private final AtomicReference<Object> received = new AtomicReference<>();
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    tm = h.manager("n", b -> b.handler("take", Object.class, (ctx, payload) -> {
      received.set(payload);
      return Outcome.success();
    }));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void store(String gid, String action, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    h.store.create(TxRecord.builder()
        .gid(gid).mode(Mode.SAGA).status(TxStatus.SUBMITTED).version(1)
        .leaseOwner("dead").leaseEpoch(1)
        .createdAt(h.clock.instant()).updatedAt(h.clock.instant()).nextDueAt(h.clock.instant())
        .options(new TxOptions(null, Duration.ofSeconds(10), -1, Duration.ofSeconds(5), false))
        .branches(List.of(
            BranchRecord.prepared("01", ACTION, "handler:" + action, bytes, List.of()),
            BranchRecord.prepared("01", COMPENSATE, "handler:" + action, bytes, List.of())))
        .build());
  }

  @Test
  void classNameTypeIds_instantiateNothing() {
    store("typed", "take", "{\"@class\":\"" + Sentinel.class.getName() + "\",\"@type\":\""
        + Sentinel.class.getName() + "\",\"x\":[\"" + Sentinel.class.getName() + "\",{}]}");

    tm.runRecoveryPass();

    assertThat(h.status("typed")).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(received.get()).isInstanceOf(Map.class);
    assertThat(Sentinel.created).isFalse();
  }

  @Test
  void payloadTooDeepOrHuge_failsItsTransactionAndRecoveryServesTheOthers() {
    store("deep", "bankA", "[".repeat(5_000) + "]".repeat(5_000));
    store("huge", "bankA", "\"" + "x".repeat(17 * 1024 * 1024) + "\"");
    String healthy = tm.saga().step("bankB", "bankB", new Transfer("B", 1)).submit();
    store("fine", "take", "{\"a\":1}");

    for (int i = 0; i < 3; i++) {
      tm.runRecoveryPass();
      h.clock.advance(Duration.ofMinutes(15));
    }

    for (String gid : List.of("deep", "huge")) {
      var view = tm.find(gid).orElseThrow();
      assertThat(view.status()).as(gid).isEqualTo(TxStatus.ABORTING);
      assertThat(view.reason()).as(gid).contains("stored payload does not decode");
      assertThat(view.branch("01", COMPENSATE).lastError()).as(gid)
          .contains("stored payload does not decode");
    }
    assertThat(h.ledger.entries("deep")).isEmpty();
    assertThat(h.status(healthy)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.status("fine")).isEqualTo(TxStatus.SUCCEEDED);
  }
}
