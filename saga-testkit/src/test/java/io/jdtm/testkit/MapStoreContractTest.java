package io.jdtm.testkit;

import io.jdtm.spi.TransactionStore;

/** The testkit's own fake store passes the store contract, so tests may rely on it. */
class MapStoreContractTest extends TransactionStoreContract {
  @Override
  protected TransactionStore newStore() {
    return new MapStore();
  }
}
