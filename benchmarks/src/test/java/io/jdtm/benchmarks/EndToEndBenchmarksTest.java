package io.jdtm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TransactionView;
import io.jdtm.TxStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls the end-to-end benchmarks' methods directly a few times on the stores that need no
 * server, and checks through {@code find} (outside anything measured) that each transaction
 * succeeded.
 */
class EndToEndBenchmarksTest {
  private static final int CALLS = 3;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2mem"})
  void sagaBenchmark_threeSteps_succeedsEverySaga(String store) {
    SagaBenchmark b = new SagaBenchmark();
    b.store = store;
    b.steps = 3;
    b.openManager();
    try {
      for (int i = 0; i < CALLS; i++) {
        assertThat(status(b, b.saga())).isEqualTo(TxStatus.SUCCEEDED);
        assertThat(b.sagaBaseline()).isNotBlank();
      }
    } finally {
      b.closeManager();
    }
  }

  @Test
  void tccBenchmark_h2_succeedsEveryTransaction() {
    TccBenchmark b = new TccBenchmark();
    b.store = "h2mem";
    b.openManager();
    try {
      for (int i = 0; i < CALLS; i++) {
        assertThat(status(b, b.tcc())).isEqualTo(TxStatus.SUCCEEDED);
        assertThat(b.tccBaseline()).isNotBlank();
      }
    } finally {
      b.closeManager();
    }
  }

  @Test
  void msgBenchmark_h2_deliversEveryMessage() throws Exception {
    MsgBenchmark b = new MsgBenchmark();
    b.store = "h2mem";
    b.openManager();
    try {
      for (int i = 0; i < CALLS; i++) {
        assertThat(status(b, b.msg())).isEqualTo(TxStatus.SUCCEEDED);
        assertThat(b.msgBaseline()).isNotBlank();
      }
    } finally {
      b.closeManager();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 500})
  void h2WriteDelayBenchmark_eitherDelay_succeedsEverySaga(int writeDelay) {
    H2WriteDelayBenchmark b = new H2WriteDelayBenchmark();
    b.writeDelay = writeDelay;
    b.openManager();
    try {
      for (int i = 0; i < CALLS; i++) {
        assertThat(status(b, b.saga())).isEqualTo(TxStatus.SUCCEEDED);
      }
    } finally {
      b.closeManager();
    }
  }

  @Test
  void outboxMsgBenchmark_h2_commitsAndDeliversEveryMessage() throws Exception {
    OutboxMsgBenchmark b = new OutboxMsgBenchmark();
    b.store = "h2mem";
    b.openManager();
    try {
      for (int i = 0; i < CALLS; i++) {
        assertThat(b.tm.await(b.delivered(), EndToEndBase.TIMEOUT).status())
            .isEqualTo(TxStatus.SUCCEEDED);
        assertThat(b.tm.await(b.commit(), EndToEndBase.TIMEOUT).status())
            .isEqualTo(TxStatus.SUCCEEDED);
      }
      assertThat(b.deliveredCount()).isEqualTo(2 * CALLS);
    } finally {
      b.closeManager();
    }
  }

  private static TxStatus status(EndToEndBase b, String gid) {
    return b.tm.find(gid).map(TransactionView::status).orElseThrow();
  }
}
