package io.jdtm.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Mode;
import io.jdtm.Stores;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {
  private static final Instant T0 = ManualClock.DEFAULT_START;

  @Test
  void finished_beyondTheBound_forgetsTheOldestAndKeepsTheNewest() {
    MemoryStore store = new MemoryStore(Duration.ofHours(1), 10);
    for (int i = 0; i < 1000; i++) {
      TxRecord r = TestRecords.simple("g" + i, Mode.SAGA, TxStatus.SUBMITTED, T0, T0);
      store.create(r);
      assertThat(store.update(TestRecords.finish(r, TxStatus.SUCCEEDED, T0))).isTrue();
      assertThat(store.load("g" + i)).as("just finished g%d", i).isPresent();
    }

    assertThat(store.query(TxQuery.all(100)).records()).hasSize(10);
    assertThat(store.load("g999")).isPresent();
    assertThat(store.load("g990")).isPresent();
    assertThat(store.load("g989")).isEmpty();
    store.checkIntegrity();
  }

  /**
   * The bound counted purged records and kept their FIFO entries: a gid purged, then created and
   * finished again (at the same version), was forgotten when the stale entry came up, with fewer
   * records kept than the bound, so an idempotent resubmit of it would have run again.
   */
  @Test
  void finished_purgedThenRecreated_isKeptWhileUnderTheBound() {
    MemoryStore store = new MemoryStore(Duration.ofHours(1), 2);
    finish(store, "g1");
    assertThat(store.purge(T0.plusSeconds(1))).isEqualTo(1);
    TxRecord again = finish(store, "g1");
    finish(store, "g2");

    assertThat(store.load("g1")).contains(again);
    assertThat(store.create(TestRecords.simple("g1", Mode.SAGA, TxStatus.SUBMITTED, T0, T0))
        .created()).isFalse();
    store.checkIntegrity();
  }

  /** Creates {@code gid} and finishes it; returns the finished record. */
  private static TxRecord finish(MemoryStore store, String gid) {
    TxRecord r = TestRecords.simple(gid, Mode.SAGA, TxStatus.SUBMITTED, T0, T0);
    assertThat(store.create(r).created()).isTrue();
    assertThat(store.update(TestRecords.finish(r, TxStatus.SUCCEEDED, T0))).isTrue();
    return store.load(gid).orElseThrow();
  }

  @Test
  void provider_opensMemoryUriAndRejectsOptions() {
    assertThat(Stores.open("memory:")).isInstanceOf(MemoryStore.class);
    assertThatThrownBy(() -> Stores.open("memory:big"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no options");
  }

  @Test
  void constructor_invalidBounds_areRejected() {
    assertThatThrownBy(() -> new MemoryStore(Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    assertThatThrownBy(() -> new MemoryStore(Duration.ofHours(1), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFinished");
  }
}
