package io.jdtm.benchmarks;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Baseline} for the Redis store: the fewest commands a hand-written orchestrator on Redis
 * needs, on raw Lettuce. Each write is one Lua script (one round trip): a row is a hash under a
 * hash-tagged key, the due index a sorted set per shard in the same slot, as the store lays them
 * out; a batch is a pipeline of those scripts (one flush, one wait). Runs on standalone Redis and
 * on Redis Cluster. Thread-safe (one multiplexed connection, as Lettuce is meant to be used).
 */
final class RedisBaseline implements Baseline {
  private static final int SHARDS = 16;
  private static final long TIMEOUT_SECONDS = 10;

  /** KEYS: row, due set. ARGV: gid, due millis (or ""). Creates the row unless it exists. */
  private static final String INSERT = """
      if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
      redis.call('HSET', KEYS[1], 'v', 1, 's', 1, 'b', 'body')
      if ARGV[2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
      return 1""";
  /** KEYS: row. ARGV: expected version. The fenced update. */
  private static final String UPDATE = """
      if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
      redis.call('HSET', KEYS[1], 'v', ARGV[1] + 1, 's', 2)
      return 1""";
  /** KEYS: due set. ARGV: now, lease, limit, key prefix of the shard's rows. A shard's claim. */
  private static final String CLAIM = """
      local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[3])
      for _, gid in ipairs(due) do
        redis.call('HINCRBY', ARGV[4] .. gid, 'v', 1)
        redis.call('ZADD', KEYS[1], ARGV[1] + ARGV[2], gid)
      end
      return #due""";
  /** KEYS: order row, message row. The outbox's local transaction: both rows at once. */
  private static final String MESSAGE = """
      redis.call('SET', KEYS[1], 1)
      redis.call('HSET', KEYS[2], 'v', 1, 's', 1, 'b', 'body')
      return 1""";

  private final AbstractRedisClient client;
  private final StatefulConnection<String, String> connection;
  private final RedisScriptingAsyncCommands<String, String> commands;
  private final RedisKeyAsyncCommands<String, String> keys;
  private final String prefix;
  private final String cleanup;
  private final String insert;
  private final String update;
  private final String claim;
  private final String message;

  /**
   * A baseline on {@code uri} ({@code redis://host:port} or {@code redis-cluster://host:port,...}),
   * its keys under {@code prefix}; {@link #close()} deletes every key under {@code cleanup} (a
   * start of {@code prefix}).
   */
  RedisBaseline(String uri, String prefix, String cleanup) {
    if (!prefix.startsWith(cleanup)) {
      throw new IllegalArgumentException(prefix + " does not start with " + cleanup);
    }
    this.prefix = prefix;
    this.cleanup = cleanup;
    if (uri.startsWith("redis-cluster://")) {
      List<RedisURI> nodes = new ArrayList<>();
      for (String node : uri.substring("redis-cluster://".length()).split(",")) {
        nodes.add(RedisURI.create("redis://" + node));
      }
      RedisClusterClient cluster = RedisClusterClient.create(nodes);
      var c = cluster.connect(StringCodec.UTF8);
      client = cluster;
      connection = c;
      commands = c.async();
      keys = c.async();
    } else {
      RedisClient standalone = RedisClient.create(uri);
      var c = standalone.connect(StringCodec.UTF8);
      client = standalone;
      connection = c;
      commands = c.async();
      keys = c.async();
    }
    insert = load(INSERT);
    update = load(UPDATE);
    claim = load(CLAIM);
    message = load(MESSAGE);
  }

  private String load(String script) {
    return await(commands.scriptLoad(script));
  }

  /** The shard's hash tag of {@code gid}: a row and its due set share a slot. */
  private String tag(String gid) {
    return "{" + prefix + "s" + Math.floorMod(gid.hashCode(), SHARDS) + "}";
  }

  private String row(String gid) {
    return prefix + tag(gid) + "tx:" + gid;
  }

  private String dueSet(int shard) {
    return prefix + "{" + prefix + "s" + shard + "}due";
  }

  @Override
  public void insert(String gid) {
    await(insertAsync(gid, ""));
  }

  private RedisFuture<Long> insertAsync(String gid, String due) {
    return commands.evalsha(insert, ScriptOutputType.INTEGER,
        new String[] {row(gid), dueSet(Math.floorMod(gid.hashCode(), SHARDS))}, gid, due);
  }

  @Override
  public boolean update(String gid, long expectedVersion) {
    return await(updateAsync(gid, expectedVersion)) == 1;
  }

  private RedisFuture<Long> updateAsync(String gid, long expectedVersion) {
    return commands.evalsha(update, ScriptOutputType.INTEGER, new String[] {row(gid)},
        Long.toString(expectedVersion));
  }

  @Override
  public int updateBatch(List<String> gids, long[] expectedVersions) {
    List<RedisFuture<Long>> sent = new ArrayList<>(gids.size());
    for (int i = 0; i < gids.size(); i++) {
      sent.add(updateAsync(gids.get(i), expectedVersions[i]));
    }
    int moved = 0;
    for (RedisFuture<Long> f : sent) {
      moved += await(f).intValue();
    }
    return moved;
  }

  @Override
  public void message(String gid, int actions) {
    await(commands.evalsha(message, ScriptOutputType.INTEGER,
        new String[] {prefix + tag(gid) + "order:" + gid, row(gid)}));
    advance(gid, 1, actions);
  }

  @Override
  public void insertDue(List<String> gids, long dueMillis) {
    List<RedisFuture<Long>> sent = new ArrayList<>(gids.size());
    for (String gid : gids) {
      sent.add(insertAsync(gid, Long.toString(dueMillis)));
    }
    sent.forEach(RedisBaseline::await);
  }

  /** Visits the shards from a random one, as the store does, until {@code limit} are claimed. */
  @Override
  public int claim(long nowMillis, long leaseMillis, int limit) {
    int start = ThreadLocalRandom.current().nextInt(SHARDS);
    int claimed = 0;
    for (int i = 0; i < SHARDS && claimed < limit; i++) {
      int shard = (start + i) % SHARDS;
      RedisFuture<Long> shardClaim = commands.evalsha(claim, ScriptOutputType.INTEGER,
          new String[] {dueSet(shard)}, Long.toString(nowMillis), Long.toString(leaseMillis),
          Integer.toString(limit - claimed), prefix + "{" + prefix + "s" + shard + "}tx:");
      claimed += await(shardClaim).intValue();
    }
    return claimed;
  }

  private static <T> T await(RedisFuture<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the Redis baseline failed", e);
    }
  }

  /** Deletes every key under the cleanup prefix (the server is shared), then disconnects. */
  @Override
  public void close() {
    ScanArgs match = ScanArgs.Builder.matches(cleanup + "*").limit(1000);
    KeyScanCursor<String> cursor = await(keys.scan(match));
    while (true) {
      if (!cursor.getKeys().isEmpty()) {
        await(keys.unlink(cursor.getKeys().toArray(String[]::new)));
      }
      if (cursor.isFinished()) {
        break;
      }
      cursor = await(keys.scan(cursor, match));
    }
    connection.close();
    client.shutdown();
  }
}
