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
