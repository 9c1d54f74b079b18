package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a private {@code redis-server} with {@code appendonly yes} and {@code
 * appendfsync always}: the store declares DURABLE, so the reopen and the child-JVM SIGKILL cases
 * run too.
 */
class DurableRedisStoreContractIT extends TransactionStoreContract {
  private static RedisServers.Private server;
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = RedisServers.start("durable-contract", RedisServers.DURABLE);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.kill();
    }
  }

  @Override
  protected TransactionStore newStore() {
    prefix = RedisServers.uniquePrefix("durable");
    RedisStore s = RedisStore.builder().uri(server.uri()).keyPrefix(prefix).build();
    assertThat(s.capabilities()).contains(StoreCapability.DURABLE);
    return s;
  }

  @Override
  protected TransactionStore reopen(TransactionStore closed) {
    return RedisStore.builder().uri(server.uri()).keyPrefix(prefix).build();
  }

  @Override
  protected String storeUri(TransactionStore store) {
    return server.uri() + "#jdtm.keyPrefix=" + prefix;
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((RedisStore) store).checkIntegrity();
  }
}
