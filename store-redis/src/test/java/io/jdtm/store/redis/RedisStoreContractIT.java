package io.jdtm.store.redis;

import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on the shared Redis (not durable: the durable cases skip there and run in
 * {@link DurableRedisStoreContractIT}). Every store gets a fresh key prefix, deleted afterwards.
 */
class RedisStoreContractIT extends TransactionStoreContract {
  private static final List<String> PREFIXES = new CopyOnWriteArrayList<>();
  private String prefix;

  @BeforeAll
  static void requireServer() {
    RedisServers.sharedUri();
  }

  @AfterAll
  static void deleteKeys() {
    for (String p : PREFIXES) {
      RedisServers.deleteKeys(RedisServers.sharedUri(), p);
    }
  }

  @Override
  protected TransactionStore newStore() {
    prefix = RedisServers.uniquePrefix("contract");
    PREFIXES.add(prefix);
    return RedisServers.sharedStore(prefix);
  }

  @Override
  protected TransactionStore reopen(TransactionStore closed) {
    return RedisServers.sharedStore(prefix);
  }

  @Override
  protected String storeUri(TransactionStore store) {
    return RedisServers.sharedUri() + "#jdtm.keyPrefix=" + prefix;
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((RedisStore) store).checkIntegrity();
  }
}
