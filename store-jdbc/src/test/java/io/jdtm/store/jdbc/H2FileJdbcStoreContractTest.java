package io.jdtm.store.jdbc;

import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2FileJdbcStoreContractTest extends TransactionStoreContract {
  @TempDir
  static Path dir;

  @Override
  protected TransactionStore newStore() {
    return H2Stores.file(dir);
  }

  @Override
  protected TransactionStore reopen(TransactionStore closed) {
    return H2Stores.reopen((JdbcStore) closed);
  }

  @Override
  protected String storeUri(TransactionStore store) {
    return H2Stores.url((JdbcStore) store);
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((JdbcStore) store).checkIntegrity();
  }
}
