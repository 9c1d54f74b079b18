package io.jdtm.store.redis;

import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.QuietLogs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link RedisStore}: connects with {@link Connector}, checks the key layout in the meta
 * key, loads the scripts and reads the server's persistence settings. Thread-safe (stateless).
 */
final class Opener {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);

  private Opener() {}

  /**
   * Refuses a caller's client that would buffer commands while disconnected and send them after
   * reconnecting: a compare-and-set sent again after it landed answers "not applied" for a write
   * that happened, and a claim sent again leases a second batch. Lettuce's default does that when
   * it reconnects automatically.
   */
  private static void requireRejecting(ClientOptions options) {
    ClientOptions.DisconnectedBehavior b = options.getDisconnectedBehavior();
    if (b == ClientOptions.DisconnectedBehavior.REJECT_COMMANDS
        || (b == ClientOptions.DisconnectedBehavior.DEFAULT && !options.isAutoReconnect())) {
      return;
    }
    throw new IllegalArgumentException("the Lettuce client given to the Redis store must reject "
        + "commands while disconnected (ClientOptions.disconnectedBehavior(REJECT_COMMANDS)): "
        + "otherwise a write in flight when the connection drops is sent again after it "
        + "reconnects, and the store would report a write that landed as not applied");
  }

  /** What the builder resolved. */
  record Settings(RedisUri uri, RedisClient client, RedisClusterClient clusterClient,
      ClientResources resources, Keys keys, Duration commandTimeout, Duration connectTimeout,
      SslOptions sslOptions) {}

  static RedisStore open(Settings s) {
    if (s.client() != null) {
      requireRejecting(s.client().getOptions());
    } else if (s.clusterClient() != null) {
      requireRejecting(s.clusterClient().getOptions());
    }
    Link link = Connector.connect(new Connector.Target("Redis store", s.uri(), s.client(),
        s.clusterClient(), s.resources(), s.commandTimeout(), s.connectTimeout(),
        s.sslOptions()));
    try {
      checkLayout(link, s.keys());
      link.load("open (SCRIPT LOAD)", Scripts.values());
      boolean durable = durability(link, link.address);
      return new RedisStore(link, s.keys(), durable);
    } catch (RuntimeException e) {
      try {
        link.close();
      } catch (RuntimeException ignored) {
        // the original failure matters
      }
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof StoreUnavailableException) {
        throw e;
      }
      throw link.unavailable("open", null, e); // Lettuce's own, e.g. from a cluster node
    }
  }

  /** Writes the layout on first use; refuses a layout this store was not opened with. */
  private static void checkLayout(Link link, Keys keys) {
    byte[] meta = keys.meta;
    byte[] shardsField = "shards".getBytes(StandardCharsets.US_ASCII);
    byte[] formatField = "format".getBytes(StandardCharsets.US_ASCII);
    byte[] shards = RecordCodec.number(keys.shards);
    byte[] format = RecordCodec.number(RedisStore.FORMAT);
    link.call("open (layout)", null, () -> link.async.hsetnx(meta, shardsField, shards));
    link.call("open (layout)", null, () -> link.async.hsetnx(meta, formatField, format));
    List<io.lettuce.core.KeyValue<byte[], byte[]>> stored = link.call("open (layout)", null,
        () -> link.async.hmget(meta, shardsField, formatField));
    String storedShards = text(stored.get(0));
    String storedFormat = text(stored.get(1));
    if (!Integer.toString(RedisStore.FORMAT).equals(storedFormat)) {
      throw new IllegalStateException("the Redis keys under prefix '" + keys.prefix + "' have "
          + "layout format " + storedFormat + "; this jdtm reads format " + RedisStore.FORMAT);
    }
    if (!Integer.toString(keys.shards).equals(storedShards)) {
      throw new IllegalStateException("the Redis keys under prefix '" + keys.prefix + "' are "
          + "laid out in " + storedShards + " shards, but this store was opened with "
          + keys.shards + "; open it with shards " + storedShards + " (jdtm.shards="
          + storedShards + ") or use another key prefix");
    }
  }

  private static String text(io.lettuce.core.KeyValue<byte[], byte[]> kv) {
    return kv.hasValue() ? new String(kv.getValue(), StandardCharsets.UTF_8) : null;
  }

  /**
   * Whether every server keeps each acknowledged write across a crash: {@code appendonly yes}
   * and {@code appendfsync always}. Otherwise logs one WARN saying what can be lost.
   */
  private static boolean durability(Link link, String address) {
    List<String> problems = new ArrayList<>();
    String unverifiable = null;
    try {
      if (link.cluster) {
        @SuppressWarnings("unchecked")
        StatefulRedisClusterConnection<byte[], byte[]> c =
            (StatefulRedisClusterConnection<byte[], byte[]>) link.connection;
        for (RedisClusterNode node : c.getPartitions()) {
          if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
            String where = node.getUri().getHost() + ":" + node.getUri().getPort() + ": ";
            problems.addAll(problems(link, c.getConnection(node.getNodeId()).async(), where));
          }
        }
      } else {
        problems.addAll(problems(link, link.async, ""));
      }
    } catch (StoreUnavailableException e) {
      if (!(e.getMessage().contains("ERR") || e.getMessage().contains("NOPERM")
          || e.getMessage().contains(RedisCommandExecutionException.class.getSimpleName()))) {
        throw e;
      }
      unverifiable = e.getMessage();
    }
    if (unverifiable != null) {
      warn("Redis store on {}: cannot read the server's persistence settings (CONFIG GET "
          + "failed: {}), so durability cannot be verified and the store does not declare "
          + "DURABLE. Unless Redis runs with 'appendonly yes', 'appendfsync always' and a "
          + "maxmemory-policy that never evicts jdtm's keys (noeviction), a Redis crash or "
          + "restart can lose transactions it acknowledged.", address, unverifiable);
      return false;
    }
    if (problems.isEmpty()) {
      return true;
    }
    warn("Redis store on {}: Redis is not configured to keep every acknowledged write ({}). A "
        + "lost record is a transaction jdtm acknowledged and then never finds to recover. The "
        + "store does not declare DURABLE. To run durably, set 'appendonly yes', 'appendfsync "
        + "always' and 'maxmemory-policy noeviction' in redis.conf (or with CONFIG SET, then "
        + "CONFIG REWRITE).", address, String.join("; ", problems));
    return false;
  }

  /**
   * What a crash (or memory pressure) can cost on one server: one {@code CONFIG GET} per
   * setting (several names in one call need Redis 7), pipelined.
   */
  private static List<String> problems(Link link,
      io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<byte[], byte[]> server,
      String where) {
    List<RedisFuture<Map<String, String>>> asked = new ArrayList<>();
    for (String name : new String[] {"appendonly", "appendfsync", "maxmemory-policy"}) {
      asked.add(server.configGet(name));
    }
    Map<String, String> cfg = new java.util.HashMap<>();
    for (RedisFuture<Map<String, String>> f : asked) {
      cfg.putAll(link.call("open (CONFIG GET)", null, () -> f));
    }
    List<String> found = new ArrayList<>();
    String aof = cfg.get("appendonly");
    String fsync = cfg.get("appendfsync");
    String policy = cfg.get("maxmemory-policy");
    if (!"yes".equalsIgnoreCase(aof)) {
      found.add(where + "appendonly " + aof + ", so a Redis crash, kill or restart loses "
          + "everything written since the last RDB snapshot, all of it when snapshots are off");
    } else if (!"always".equalsIgnoreCase(fsync)) {
      found.add(where + "appendfsync " + fsync + ", so an operating system crash or power loss "
          + "(and a Redis kill while the disk is slow) can lose the writes of about "
          + ("no".equalsIgnoreCase(fsync) ? "the last 30 seconds" : "the last one or two seconds"));
    }
    if (policy != null && policy.toLowerCase(java.util.Locale.ROOT).startsWith("allkeys")) {
      found.add(where + "maxmemory-policy " + policy + ", so under memory pressure Redis evicts "
          + "transaction records (jdtm's keys never expire: noeviction or a volatile-* policy "
          + "keeps them)");
    }
    return found;
  }

  private static void warn(String format, Object... args) {
    if (QuietLogs.isQuiet()) {
      log.debug(format, args);
    } else {
      log.warn(format, args);
    }
  }
}
