package io.jdtm.store.memory;

import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;

class MemoryStoreContractTest extends TransactionStoreContract {
  @Override
  protected TransactionStore newStore() {
    return new MemoryStore();
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((MemoryStore) store).checkIntegrity();
  }
}
