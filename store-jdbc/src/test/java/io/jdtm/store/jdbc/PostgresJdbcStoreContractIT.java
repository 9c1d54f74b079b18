package io.jdtm.store.jdbc;

import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresJdbcStoreContractIT extends TransactionStoreContract {
  private static final ServerTables TABLES = new ServerTables(TestServers::postgres, "contract");

  /** Skips (or, on CI, fails) the class when the server is missing, before any store opens. */
  @BeforeAll
  static void requireServer() {
    TestServers.postgres();
  }

  @AfterAll
  static void dropTables() {
    TABLES.drop();
  }

  @Override
  protected TransactionStore newStore() {
    return TABLES.emptyStore();
  }

  @Override
  protected TransactionStore reopen(TransactionStore closed) {
    return TABLES.open();
  }

  @Override
  protected String storeUri(TransactionStore store) {
    return TABLES.storeUri();
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((JdbcStore) store).checkIntegrity();
  }
}
