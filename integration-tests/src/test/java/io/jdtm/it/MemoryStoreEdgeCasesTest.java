package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Mode;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.store.memory.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryStoreEdgeCasesTest {

  /** Even a store that keeps a single finished record lets a waiter see its outcome. */
  @Test
  void submitAndWait_onAStoreKeepingOneFinishedRecord_returnsTheOutcome() {
    try (Harness h = new Harness(new MemoryStore(Duration.ofHours(1), 1))) {
      TransactionManager tm = h.manager("n");

      for (int i = 0; i < 3; i++) {
        assertThat(tm.saga().step("bankA", "bankA", new Transfer("A", i))
            .submitAndWait(Duration.ofSeconds(1)).status()).isEqualTo(TxStatus.SUCCEEDED);
      }
    }
  }

  @Test
  void maxFinished_zero_isRejected() {
    assertThatThrownBy(() -> new MemoryStore(Duration.ofHours(1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFinished");
  }

  /**
   * MemoryStore.query concatenates a stream over the active map and one over the finished cache,
   * both created up front and traversed later, while records move from one to the other: a page
   * can hold the same gid twice, and can omit a record that existed throughout (seen in about 1
   * of 10 runs on 2 cores). TransactionStore.query promises one page in gid order; the cursor
   * then skips or repeats records.
   */
  @Test
  void query_whileRecordsFinish_returnsEveryRecordExactlyOnce() throws Exception {
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    TxOptions options = new TxOptions(null, Duration.ofSeconds(1), -1, Duration.ofSeconds(1),
        false);
    for (int run = 0; run < 300; run++) {
      MemoryStore store = new MemoryStore();
      List<TxRecord> records = new ArrayList<>();
      for (int i = 0; i < 900; i++) {
        TxRecord r = TxRecord.builder().gid(String.format("g%05d", i)).mode(Mode.SAGA)
            .status(TxStatus.SUBMITTED).version(1).createdAt(t).updatedAt(t).nextDueAt(t)
            .options(options).build();
        store.create(r);
        records.add(r);
      }
      Thread finisher = new Thread(() -> {
        for (TxRecord r : records) {
          store.update(TxUpdate.builder(r.gid(), 1).status(TxStatus.SUCCEEDED).updatedAt(t)
              .build());
        }
      });
      finisher.start();
      TxPage page = store.query(TxQuery.all(1000));
      finisher.join();

      Set<String> gids = new HashSet<>();
      page.records().forEach(r -> gids.add(r.gid()));
      assertThat(page.records()).as("run %d: page size vs distinct gids", run)
          .hasSize(gids.size());
      assertThat(gids).as("run %d: every stored record appears", run).hasSize(900);
    }
  }
}
