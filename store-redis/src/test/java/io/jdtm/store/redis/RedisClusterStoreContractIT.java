package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.TransactionStoreContract;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on the local Redis Cluster ({@link RedisCluster#shared()}: 3 masters with
 * {@code appendonly yes} and {@code appendfsync always}), through a {@code redis-cluster://} URI:
 * the store declares DURABLE, so the reopen and the child-JVM SIGKILL cases run too. Every store
 * gets a fresh key prefix, deleted from every master afterwards.
 */
class RedisClusterStoreContractIT extends TransactionStoreContract {
  private static final List<String> PREFIXES = new CopyOnWriteArrayList<>();
  private static RedisCluster cluster;
  private String prefix;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.shared();
  }

  @AfterAll
  static void deleteKeys() {
    for (String p : PREFIXES) {
      cluster.deleteKeys(p);
    }
  }

  @Override
  protected TransactionStore newStore() {
    prefix = RedisServers.uniquePrefix("cluster");
    PREFIXES.add(prefix);
    RedisStore store = open();
    assertThat(store.capabilities()).contains(StoreCapability.DURABLE);
    return store;
  }

  private RedisStore open() {
    return RedisStore.builder().uri(cluster.uri()).keyPrefix(prefix).build();
  }

  @Override
  protected TransactionStore reopen(TransactionStore closed) {
    return open();
  }

  @Override
  protected String storeUri(TransactionStore store) {
    return cluster.uri() + "#jdtm.keyPrefix=" + prefix;
  }

  @Override
  protected void checkStoreSpecificInvariants(TransactionStore store) {
    ((RedisStore) store).checkIntegrity();
  }
}
