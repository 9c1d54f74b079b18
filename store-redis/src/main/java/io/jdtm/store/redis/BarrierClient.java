package io.jdtm.store.redis;

import io.jdtm.StoreUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The barrier's one Lettuce connection (standalone or cluster) with its command timeout, and the
 * mapping of Lettuce's failures: a Redis that cannot be reached, times out or fails a command
 * becomes a {@link StoreUnavailableException} naming the step and the endpoint (never its
 * credentials). Closes the client when the barrier created it. Thread-safe (Lettuce connections
 * are).
 */
final class BarrierClient implements AutoCloseable {
  private final StatefulConnection<String, String> connection;
  private final RedisClusterCommands<String, String> commands;
  private final boolean cluster;
  private final String endpoint;
  private final AutoCloseable owned;

  private BarrierClient(StatefulConnection<String, String> connection,
      RedisClusterCommands<String, String> commands, boolean cluster, String endpoint,
      AutoCloseable owned) {
    this.connection = connection;
    this.commands = commands;
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.owned = owned;
  }

  /** Connects to standalone Redis through {@code client}; shuts it down on close if owned. */
  static BarrierClient standalone(RedisClient client, boolean owned, String endpoint,
      Duration timeout) {
    StatefulRedisConnection<String, String> c = connect(endpoint, owned ? client::shutdown : null,
        () -> client.connect(StringCodec.UTF8));
    c.setTimeout(timeout);
    return new BarrierClient(c, c.sync(), false, endpoint, owned ? client::shutdown : null);
  }

  /** Connects to Redis Cluster through {@code client}; shuts it down on close if owned. */
  static BarrierClient cluster(RedisClusterClient client, boolean owned, String endpoint,
      Duration timeout) {
    StatefulRedisClusterConnection<String, String> c = connect(endpoint,
        owned ? client::shutdown : null, () -> client.connect(StringCodec.UTF8));
    c.setTimeout(timeout);
    return new BarrierClient(c, c.sync(), true, endpoint, owned ? client::shutdown : null);
  }

  private static <C> C connect(String endpoint, Runnable shutdown, Supplier<C> connect) {
    try {
      return connect.get();
    } catch (RedisException e) {
      if (shutdown != null) {
        shutdown.run();
      }
      throw new StoreUnavailableException("jdtm Redis barrier: connecting to " + endpoint
          + " failed: " + describe(e), e);
    }
  }

  RedisClusterCommands<String, String> commands() {
    return commands;
  }

  boolean isCluster() {
    return cluster;
  }

  String endpoint() {
    return endpoint;
  }

  /** Runs {@code step}; a Lettuce failure becomes a StoreUnavailableException. */
  <T> T run(String what, String call, String gid, Supplier<T> step) {
    try {
      return step.get();
    } catch (RedisException e) {
      throw unavailable(what, call, gid, e);
    }
  }

  StoreUnavailableException unavailable(String what, String call, String gid, RedisException e) {
    return new StoreUnavailableException("jdtm Redis barrier " + call + ": " + what
        + " failed on " + endpoint + ": " + describe(e), gid, e);
  }

  /** Whether Redis refused the command because a key holds another type. */
  static boolean isWrongType(RedisException e) {
    return e instanceof RedisCommandExecutionException && e.getMessage() != null
        && e.getMessage().startsWith("WRONGTYPE");
  }

  private static String describe(RedisException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  @Override
  public void close() {
    connection.close();
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        // shutting the client down failed; nothing else holds it
      }
    }
  }
}
