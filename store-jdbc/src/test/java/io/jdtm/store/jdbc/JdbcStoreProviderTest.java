package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Mode;
import io.jdtm.Stores;
import io.jdtm.TxStatus;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TestRecords;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JdbcStoreProviderTest {
  private final JdbcStoreProvider provider = new JdbcStoreProvider();

  @Test
  void supports_eachJdbcScheme_andNothingElse() {
    assertThat(provider.supports("jdbc:h2:mem:x")).isTrue();
    assertThat(provider.supports("jdbc:postgresql://h/db")).isTrue();
    assertThat(provider.supports("jdbc:mariadb://h/db")).isTrue();
    assertThat(provider.supports("jdbc:mysql://h/db")).isTrue();
    assertThat(provider.supports("memory:")).isFalse();
    assertThat(provider.supports("redis://h")).isFalse();
    assertThat(provider.supports("jdbc:sqlite:x.db")).isFalse();
  }

  @Test
  void open_h2UriThroughStores_isAJdbcStoreWithTheUriOptions() {
    Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
    try (TransactionStore store = Stores.open(H2Stores.memoryUrl()
        + "#jdtm.tablePrefix=app_&jdtm.createSchema=true&jdtm.maxPoolSize=2")) {
      store.create(TestRecords.simple("g-1", Mode.SAGA, TxStatus.SUBMITTED, t0, t0));

      assertThat(store).isInstanceOf(JdbcStore.class);
      assertThat(((JdbcStore) store).tables().tx()).isEqualTo("app_tx");
      assertThat(store.capabilities()).containsExactlyInAnyOrder(StoreCapability.BATCHED_APPLY,
          StoreCapability.CALLER_TRANSACTION);
      assertThat(store.load("g-1")).isPresent();
    }
  }

  @Test
  void open_uriWithBadOption_isIllegalArgument() {
    assertThatThrownBy(() -> Stores.open("jdbc:h2:mem:bad#jdtm.createSchema=maybe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdtm.createSchema");
  }
}
