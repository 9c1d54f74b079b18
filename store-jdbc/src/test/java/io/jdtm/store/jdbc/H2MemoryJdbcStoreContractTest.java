package io.jdtm.store.jdbc;

import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;

class H2MemoryJdbcStoreContractTest extends TransactionStoreContract {
  @Override
  protected TransactionStore newStore() {
    return H2Stores.memory();
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((JdbcStore) store).checkIntegrity();
  }
}
