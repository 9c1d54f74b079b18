package io.jdtm.it;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.store.redis.RedisServers;
import io.jdtm.store.redis.RedisBarrier;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link KvBarrier} on the Redis barrier of the shared Redis: values are integer keys and the
 * barrier's keys sit beside them, all under a prefix of their own deleted on close. A read in the
 * work is checked again when the effects apply, so "take if the balance suffices" stays exact.
 */
final class RedisKvBarrier implements KvBarrier {
  private final String prefix = RedisServers.uniquePrefix("barrier");
  private final RedisClient client;
  private final RedisCommands<String, String> redis;
  private final RedisBarrier barrier;

  RedisKvBarrier() {
    String uri = RedisServers.sharedUri();
    this.barrier = RedisBarrier.builder().uri(uri).keyPrefix(prefix).build();
    this.client = RedisClient.create(RedisURI.create(uri));
    this.redis = client.connect().sync();
  }

  @Override
  public String name() {
    return "redis-barrier";
  }

  @Override
  public Barrier<?> barrier() {
    return barrier;
  }

  @Override
  public Outcome call(BranchContext ctx, Work work) throws Exception {
    return barrier.call(ctx, local(work));
  }

  private Barrier.LocalWork<RedisBarrier.Effects> local(Work work) {
    return fx -> work.run(new Kv() {
      @Override
      public long get(String key) {
        return fx.getLong(prefix + key);
      }

      @Override
      public void add(String key, long delta) {
        fx.incrBy(prefix + key, delta);
      }
    });
  }

  @Override
  public long value(String key) {
    String value = redis.get(prefix + key);
    return value == null ? 0 : Long.parseLong(value);
  }

  @Override
  public void set(String key, long value) {
    redis.set(prefix + key, Long.toString(value));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> R asLocalWork(Work work) {
    return (R) local(work);
  }

  @Override
  public void close() {
    try {
      barrier.purgeOlderThan(Instant.now().plus(Duration.ofDays(1)));
      redis.keys(prefix + "*").forEach(redis::del);
    } catch (RuntimeException e) {
      // Redis went away; nothing to delete
    } finally {
      barrier.close();
      client.shutdown();
    }
  }
}
