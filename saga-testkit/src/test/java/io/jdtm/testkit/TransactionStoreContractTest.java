package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** What the store contract asks of a subclass that overrides only what it must. */
class TransactionStoreContractTest {
  /** A third-party durable store's subclass: it reopens its store but gives no URI. */
  private static final class WithoutUri extends TransactionStoreContract {
    private final TransactionStore durable = new MapStore(Set.of(StoreCapability.DURABLE));

    @Override
    protected TransactionStore newStore() {
      return durable;
    }

    @Override
    protected TransactionStore reopen(TransactionStore closed) {
      return durable;
    }
  }

  @Test
  void killCase_durableStoreWithoutUri_isSkippedNamingStoreUri() {
    WithoutUri contract = new WithoutUri();
    contract.openStore();

    assertThatThrownBy(contract::durable_childKilledWithSigkill_losesNothingAcknowledged)
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("storeUri");
  }
}
