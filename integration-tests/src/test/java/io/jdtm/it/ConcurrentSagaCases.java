package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** DAG sagas on a real thread pool: order is respected both ways. */
abstract class ConcurrentSagaCases {
  @Parameter StoreFixture fixture;

  private Harness h;
  private ExecutorService pool;
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    h = new Harness(fixture);
    pool = Executors.newFixedThreadPool(8);
    tm = h.manager("node-1", b -> b.executor(pool));
  }

  @AfterEach
  void tearDown() {
    h.close();
    pool.shutdownNow();
  }

  /** Diamond: 0 -> {1, 2} -> 3, plus 4 independent. */
  private String diamond() {
    return tm.saga()
        .concurrent()
        .step("bankA", "bankA", new Transfer("A", 1))
        .step("bankB", "bankB", new Transfer("B", 1))
        .step("bankC", "bankC", new Transfer("C", 1))
        .step("bankA", "bankA", new Transfer("A", 2))
        .step("bankB", "bankB", new Transfer("B", 2))
        .after(1, 0)
        .after(2, 0)
        .after(3, 1, 2)
        .submit();
  }

  private long seqOf(String gid, String branchId, io.jdtm.BranchOp op) {
    return h.ledger.entries(gid).stream()
        .filter(e -> e.branchId().equals(branchId) && e.op() == op)
        .mapToLong(Ledger.Entry::seq).findFirst().orElseThrow();
  }

  @Test
  void dag_allSucceed_runsEachStepAfterItsDependencies() {
    List<String> gids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      gids.add(diamond());
    }

    for (String gid : gids) {
      assertThat(tm.await(gid, Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(seqOf(gid, "02", ACTION)).isGreaterThan(seqOf(gid, "01", ACTION));
      assertThat(seqOf(gid, "03", ACTION)).isGreaterThan(seqOf(gid, "01", ACTION));
      assertThat(seqOf(gid, "04", ACTION)).isGreaterThan(seqOf(gid, "02", ACTION))
          .isGreaterThan(seqOf(gid, "03", ACTION));
      assertThat(h.ledger.applied(gid)).hasSize(5);
    }
  }

  @Test
  void dag_lastStepFails_compensatesDependentsBeforeTheirDependencies() {
    h.a.script("04", ACTION, Behaviour.FAILURE);

    String gid = diamond();

    assertThat(tm.await(gid, Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.FAILED);
    for (String id : List.of("01", "02", "03", "04", "05")) {
      assertThat(h.ledger.calls(gid, id, COMPENSATE)).as("compensation of %s", id).isEqualTo(1);
    }
    assertThat(seqOf(gid, "04", COMPENSATE)).isLessThan(seqOf(gid, "02", COMPENSATE))
        .isLessThan(seqOf(gid, "03", COMPENSATE));
    assertThat(seqOf(gid, "02", COMPENSATE)).isLessThan(seqOf(gid, "01", COMPENSATE));
    assertThat(seqOf(gid, "03", COMPENSATE)).isLessThan(seqOf(gid, "01", COMPENSATE));
  }

  @Test
  void dag_earlyFailure_neverCallsStepsWhoseDependenciesDidNotSucceed() {
    h.a.script("01", ACTION, Behaviour.FAILURE);

    String gid = diamond();

    assertThat(tm.await(gid, Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.FAILED);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isZero();
    assertThat(h.ledger.calls(gid, "04", ACTION)).isZero();
    assertThat(h.ledger.calls(gid, "04", COMPENSATE)).isZero();
    assertThat(h.ledger.calls(gid, "01", COMPENSATE)).isEqualTo(1);
  }
}
