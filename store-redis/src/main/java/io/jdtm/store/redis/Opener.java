package io.jdtm.store.redis;

import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.QuietLogs;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link RedisStore}: creates and configures the Lettuce client (unless the caller gave
 * one), connects, checks the key layout in the meta key, loads the scripts and reads the
 * server's persistence settings. Thread-safe (stateless).
 */
final class Opener {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final Duration REFRESH_PERIOD = Duration.ofSeconds(30);
  /** Reconnect attempts back off from 10 ms to at most this, so a returning Redis is soon used. */
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private Opener() {}

  /** What the builder resolved. */
  record Settings(StoreUri uri, RedisClient client, RedisClusterClient clusterClient,
      ClientResources resources, Keys keys, Duration commandTimeout, Duration connectTimeout) {}

  static RedisStore open(Settings s) {
    Set<String> secrets = new HashSet<>();
    if (s.uri() != null && s.uri().password() != null) {
      secrets.add(s.uri().password());
    }
    ClientResources ownResources = null;
    AbstractRedisClient ownClient = null;
    Link link = null;
    String address;
    try {
      boolean cluster;
      if (s.uri() != null) {
        StoreUri u = s.uri();
        address = u.address();
        ClientResources resources = s.resources();
        if (resources == null) {
          ownResources = DefaultClientResources.builder()
              .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2,
                  TimeUnit.MILLISECONDS))
              .build();
          resources = ownResources;
        }
        cluster = u.cluster();
        if (cluster) {
          List<RedisURI> seeds = new ArrayList<>();
          for (StoreUri.HostPort hp : u.nodes()) {
            seeds.add(redisUri(u, hp, s.commandTimeout()));
          }
          RedisClusterClient c = RedisClusterClient.create(resources, seeds);
          ownClient = c;
          c.setOptions(clusterOptions(s));
          link = connect(c, s, secrets);
        } else {
          RedisClient c = RedisClient.create(resources,
              redisUri(u, u.nodes().get(0), s.commandTimeout()));
          ownClient = c;
          c.setOptions(clientOptions(s));
          link = connect(c, s, secrets);
        }
      } else if (s.client() != null) {
        address = "a caller's RedisClient";
        link = connect(s.client(), s, secrets);
      } else {
        address = "a caller's RedisClusterClient";
        link = connect(s.clusterClient(), s, secrets);
      }
      checkLayout(link, s.keys());
      loadScripts(link);
      boolean durable = durability(link, address);
      AbstractRedisClient client = ownClient;
      ClientResources res = ownResources;
      return new RedisStore(link, s.keys(), durable, address, () -> shutdown(client, res));
    } catch (IllegalArgumentException | IllegalStateException | StoreUnavailableException e) {
      closeAll(link, ownClient, ownResources);
      throw e;
    } catch (RuntimeException e) { // Lettuce's own, e.g. from a cluster node connection
      closeAll(link, ownClient, ownResources);
      throw unreachable(s, secrets, e);
    }
  }

  private static void closeAll(Link link, AbstractRedisClient ownClient,
      ClientResources ownResources) {
    if (link != null) {
      try {
        link.connection.close();
      } catch (RuntimeException ignored) {
        // the original failure matters
      }
    }
    shutdown(ownClient, ownResources);
  }

  private static void shutdown(AbstractRedisClient client, ClientResources resources) {
    if (client != null) {
      RedisStore.closeQuietly(client);
    }
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private static RedisURI redisUri(StoreUri u, StoreUri.HostPort hp, Duration timeout) {
    RedisURI.Builder b = RedisURI.Builder.redis(hp.host(), hp.port()).withSsl(u.tls())
        .withTimeout(timeout);
    if (!u.cluster()) {
      b.withDatabase(u.database());
    }
    if (u.password() != null) {
      if (u.user() != null) {
        b.withAuthentication(u.user(), u.password());
      } else {
        b.withPassword(u.password());
      }
    }
    return b.build();
  }

  private static ClientOptions clientOptions(Settings s) {
    return ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .autoReconnect(true)
        .socketOptions(SocketOptions.builder().connectTimeout(s.connectTimeout()).keepAlive(true)
            .build())
        .timeoutOptions(TimeoutOptions.enabled(s.commandTimeout()))
        .build();
  }

  private static ClusterClientOptions clusterOptions(Settings s) {
    return ClusterClientOptions.builder()
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(REFRESH_PERIOD)
            .enableAllAdaptiveRefreshTriggers()
            .build())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .autoReconnect(true)
        .socketOptions(SocketOptions.builder().connectTimeout(s.connectTimeout()).keepAlive(true)
            .build())
        .timeoutOptions(TimeoutOptions.enabled(s.commandTimeout()))
        .build();
  }

  private static Link connect(RedisClient c, Settings s, Set<String> secrets) {
    StatefulRedisConnection<byte[], byte[]> conn;
    try {
      conn = c.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw unreachable(s, secrets, e);
    }
    return new Link(conn, conn.async(), false, s.commandTimeout(), secrets);
  }

  private static Link connect(RedisClusterClient c, Settings s, Set<String> secrets) {
    StatefulRedisClusterConnection<byte[], byte[]> conn;
    try {
      conn = c.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw unreachable(s, secrets, e);
    }
    try {
      warmUp(conn, s.connectTimeout());
    } catch (RuntimeException e) {
      conn.close();
      throw unreachable(s, secrets, e);
    }
    return new Link(conn, conn.async(), true, s.commandTimeout(), secrets);
  }

  /**
   * Connects to every master before the first command: Lettuce opens node connections lazily,
   * and with {@code REJECT_COMMANDS} it rejects a command that would wait for one. A master that
   * appears later (failover, resharding) fails its first calls the same way until connected.
   */
  private static void warmUp(StatefulRedisClusterConnection<byte[], byte[]> conn,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
    for (RedisClusterNode node : conn.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        pending.add(conn.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
        pending.add(conn.getConnectionAsync(node.getNodeId()));
      }
    }
    for (java.util.concurrent.CompletableFuture<?> f : pending) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new io.lettuce.core.RedisConnectionException("cannot connect to a cluster master: "
            + e.getCause().getMessage());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new io.lettuce.core.RedisConnectionException("cannot connect to every cluster "
            + "master within " + timeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.lettuce.core.RedisConnectionException("interrupted while connecting");
      }
    }
  }

  private static StoreUnavailableException unreachable(Settings s, Set<String> secrets,
      RuntimeException e) {
    String where = s.uri() == null ? "the caller's client" : s.uri().address();
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null) {
      why += " (" + root.getMessage() + ")"; // e.g. WRONGPASS, connection refused
    }
    for (String secret : secrets) {
      why = why.replace(secret, "***");
    }
    return new StoreUnavailableException("Redis store: cannot connect to " + where + ": " + why,
        null);
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
   * Loads every script (on Cluster, Lettuce sends {@code SCRIPT LOAD} to every master). A
   * server that loses them later answers {@code NOSCRIPT}, and {@link Link} runs them again.
   */
  private static void loadScripts(Link link) {
    List<RedisFuture<String>> loads = new ArrayList<>();
    for (Scripts script : Scripts.values()) {
      loads.add(link.async.scriptLoad(script.body));
    }
    for (RedisFuture<String> f : loads) {
      link.call("open (SCRIPT LOAD)", null, () -> f);
    }
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
