package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How claims treat the due index when a record is absent or damaged, and that a shard with a large
 * backlog does not hold the others up; on the shared Redis, one fresh prefix per test.
 */
class RedisClaimsIT {
  private static final Instant T0 = ManualClock.DEFAULT_START;
  private static final Duration LEASE = Duration.ofSeconds(30);

  private String prefix;
  private Keys keys;
  private RedisStore store;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> redis;

  @BeforeEach
  void open() {
    prefix = RedisServers.uniquePrefix("claims");
    keys = new Keys(prefix, RedisStore.DEFAULT_SHARDS);
    store = RedisServers.sharedStore(prefix);
    client = RedisClient.create(RedisServers.sharedUri());
    connection = client.connect();
    redis = connection.sync();
  }

  @AfterEach
  void close() {
    store.close();
    connection.close();
    client.shutdown(0, 2, TimeUnit.SECONDS);
    RedisServers.deleteKeys(RedisServers.sharedUri(), prefix);
  }

  private TxRecord due(String gid) {
    TxRecord r = TestRecords.simple(gid, Mode.SAGA, TxStatus.SUBMITTED, T0, T0);
    assertThat(store.create(r).created()).isTrue();
    return r;
  }

  private String key(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** During a Cluster slot migration a record may be absent where its indexes already are. */
  @Test
  void claim_recordAbsentButKnownToTheGidIndex_keepsItsDueEntryForLater() {
    due("mig-1");
    int s = keys.shard("mig-1");
    redis.del(key(keys.tx(s, "mig-1")));

    assertThat(store.claimDue(T0.plusSeconds(1), "me", LEASE, 10)).isEmpty();

    assertThat(redis.zscore(key(keys.due(s)), "mig-1")).as("due again at the lease end")
        .isEqualTo((double) T0.plusSeconds(1).plus(LEASE).toEpochMilli());
  }

  @Test
  void claim_recordAbsentAndUnknownToTheGidIndex_dropsItsDueEntry() {
    due("gone-1");
    int s = keys.shard("gone-1");
    redis.del(key(keys.tx(s, "gone-1")));
    redis.zrem(key(keys.ids(s)), "gone-1");

    assertThat(store.claimDue(T0.plusSeconds(1), "me", LEASE, 10)).isEmpty();

    assertThat(redis.zscore(key(keys.due(s)), "gone-1")).isNull();
  }

  @Test
  void claim_recordWithADamagedVersion_isLeftAloneAndTheOthersAreClaimed() {
    due("bad-v");
    List<String> good = new ArrayList<>();
    for (int i = 0; good.size() < 3; i++) {
      String gid = "good-" + i;
      if (keys.shard(gid) != keys.shard("bad-v")) {
        due(gid);
        good.add(gid);
      }
    }
    int s = keys.shard("bad-v");
    redis.hset(key(keys.tx(s, "bad-v")), "v", "x7");

    List<TxRecord> claimed = new ArrayList<>();
    for (int pass = 0; pass < RedisStore.DEFAULT_SHARDS; pass++) {
      claimed.addAll(store.claimDue(T0.plusSeconds(1), "me", LEASE, 10));
    }

    assertThat(claimed).extracting(TxRecord::gid).containsExactlyInAnyOrderElementsOf(good);
    assertThat(redis.hget(key(keys.tx(s, "bad-v")), "v")).as("left as it was").isEqualTo("x7");
    assertThat(redis.zscore(key(keys.due(s)), "bad-v")).as("due again at the lease end")
        .isEqualTo((double) T0.plusSeconds(1).plus(LEASE).toEpochMilli());
  }

  @Test
  void claim_aShardWithAnyBacklog_doesNotHoldAnotherShardUp() {
    int big = keys.shard("big-0");
    for (int i = 0; i < 40; i++) {
      String gid = "big-" + i;
      if (keys.shard(gid) == big) {
        due(gid);
      }
    }
    for (int i = 0; i < 200; i++) {
      String gid = "big-x" + i;
      if (keys.shard(gid) == big) {
        due(gid);
      }
    }
    String lone = null;
    for (int i = 0; lone == null; i++) {
      if (keys.shard("lone-" + i) != big) {
        lone = "lone-" + i;
      }
    }
    due(lone);

    List<String> claimed = new ArrayList<>();
    for (int pass = 0; pass < RedisStore.DEFAULT_SHARDS && !claimed.contains(lone); pass++) {
      store.claimDue(T0.plusSeconds(1), "me", LEASE, 2).forEach(r -> claimed.add(r.gid()));
    }

    assertThat(claimed).as("claimed within one round of the shards").contains(lone);
  }
}
