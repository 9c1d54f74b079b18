package io.jdtm.store.redis;

import io.jdtm.testkit.BarrierContract;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The testkit's barrier contract on a private 3-master Redis Cluster, with the builder's {@code
 * hashTags} putting every gid's barrier keys in the slot of tag {@code contract}, where the
 * accounts are ({@code {contract}acct:N}): the way an application maps gids to the tag of the
 * keys its work changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBarrierClusterContractIT extends BarrierContract<RedisBarrier.Effects> {
  private final AtomicInteger accounts = new AtomicInteger();
  private final String prefix = RedisServers.uniquePrefix("barrier_contract");
  private RedisCluster cluster;
  private RedisBarrier barrier;
  private RedisClusterClient client;
  private RedisAdvancedClusterCommands<String, String> redis;

  @BeforeAll
  void start() throws Exception {
    cluster = RedisCluster.shared();
    barrier = RedisBarrier.builder().uri(cluster.uri()).keyPrefix(prefix)
        .hashTags(gid -> "contract").build();
    client = cluster.client();
    redis = client.connect().sync();
  }

  @AfterAll
  void stop() {
    if (barrier != null) {
      barrier.close();
    }
    if (client != null) {
      client.shutdown();
    }
    if (cluster != null) {
      cluster.deleteKeys(prefix); // the shared cluster stays up for other tests
    }
  }

  @Override
  protected RedisBarrier barrier() {
    return barrier;
  }

  @Override
  protected String openAccount(long balance) {
    String account = "{contract}acct:" + accounts.incrementAndGet();
    redis.set(account, Long.toString(balance));
    return account;
  }

  @Override
  protected void add(RedisBarrier.Effects tx, String account, long delta) {
    tx.incrBy(account, delta);
  }

  @Override
  protected long balance(String account) {
    return Long.parseLong(redis.get(account));
  }
}
