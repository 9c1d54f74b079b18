package io.jdtm.store.redis;

import io.jdtm.StoreUnavailableException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the {@link Link} of a {@link RedisStore} or a {@link RedisBarrier}, on a {@link RedisUri}
 * or on a Lettuce client of the caller's. For a URI it creates the client (and, unless given, its
 * resources) with what both need: commands rejected while disconnected ({@code REJECT_COMMANDS},
 * never buffered and replayed later), automatic reconnection backing off from 10 ms to 1 s, the
 * connect and command timeouts, TCP keep-alive, and on Cluster a periodic and adaptive topology
 * refresh; closing the link shuts them down. A caller's client keeps its options and is never
 * shut down. On Cluster it connects to every master before the first command. A failure to
 * connect is a {@link StoreUnavailableException} naming the address and the root cause, never a
 * credential. Thread-safe (stateless).
 */
final class Connector {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);
  private static final Duration REFRESH_PERIOD = Duration.ofSeconds(30);
  /** Reconnect attempts back off from 10 ms to at most this, so a returning Redis is soon used. */
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private Connector() {}

  /**
   * What to connect to and how.
   *
   * @param who the user, the start of every message ({@code Redis store}, {@code Redis barrier})
   * @param uri the URI, or {@code null} for a caller's client
   * @param client a caller's standalone client, or {@code null}
   * @param clusterClient a caller's Cluster client, or {@code null}
   * @param resources resources of the caller's for the client created from {@code uri}, or
   *     {@code null} for its own
   * @param commandTimeout how long a command may take
   * @param connectTimeout how long connecting may take, TLS handshake and AUTH included
   * @param sslOptions TLS settings of the caller's (trust and key material) for the client
   *     created from a {@code rediss} URI, or {@code null} for the JVM's defaults
   */
  record Target(String who, RedisUri uri, RedisClient client, RedisClusterClient clusterClient,
      ClientResources resources, Duration commandTimeout, Duration connectTimeout,
      SslOptions sslOptions) {}

  /**
   * Connects to {@code t}.
   *
   * @throws StoreUnavailableException when Redis cannot be reached or refuses the credentials
   */
  static Link connect(Target t) {
    Set<String> secrets = new HashSet<>();
    if (t.uri() != null && t.uri().password() != null) {
      secrets.add(t.uri().password());
    }
    String address = t.uri() != null ? t.uri().address()
        : t.client() != null ? "a caller's RedisClient" : "a caller's RedisClusterClient";
    if (t.uri() == null) {
      return t.client() != null
          ? connect(t.client(), t, address, secrets, () -> { })
          : connect(t.clusterClient(), t, address, secrets, () -> { });
    }
    RedisUri u = t.uri();
    ClientResources ownResources = null;
    AbstractRedisClient ownClient = null;
    try {
      ClientResources resources = t.resources();
      if (resources == null) {
        ownResources = DefaultClientResources.builder()
            .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2,
                TimeUnit.MILLISECONDS))
            .build();
        resources = ownResources;
      }
      ClientResources res = ownResources;
      if (u.cluster()) {
        List<RedisURI> seeds = new ArrayList<>();
        for (RedisUri.HostPort hp : u.nodes()) {
          seeds.add(redisUri(u, hp, t.connectTimeout()));
        }
        RedisClusterClient c = RedisClusterClient.create(resources, seeds);
        ownClient = c;
        c.setOptions(clusterOptions(t));
        return connect(c, t, address, secrets, () -> shutdown(c, res));
      }
      RedisClient c = RedisClient.create(resources,
          redisUri(u, u.nodes().get(0), t.connectTimeout()));
      ownClient = c;
      c.setOptions(clientOptions(t));
      return connect(c, t, address, secrets, () -> shutdown(c, res));
    } catch (RuntimeException e) {
      shutdown(ownClient, ownResources);
      throw e instanceof StoreUnavailableException ? e : unreachable(t.who(), address, secrets, e);
    }
  }

  private static void shutdown(AbstractRedisClient client, ClientResources resources) {
    if (client != null) {
      try {
        client.shutdown(0, 2, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        log.debug("shutting down the Redis client failed", e);
      }
    }
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /**
   * The Lettuce URI of one node. Its timeout bounds the connection's initialization (TLS
   * handshake, {@code HELLO}/{@code AUTH}, {@code SELECT}): the connect timeout. Commands have
   * their own ({@link TimeoutOptions}).
   */
  private static RedisURI redisUri(RedisUri u, RedisUri.HostPort hp, Duration timeout) {
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

  private static ClientOptions clientOptions(Target t) {
    return common(ClientOptions.builder(), t).build();
  }

  private static ClusterClientOptions clusterOptions(Target t) {
    return common(ClusterClientOptions.builder(), t)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(REFRESH_PERIOD)
            .enableAllAdaptiveRefreshTriggers()
            .build())
        .build();
  }

  /**
   * What standalone and Cluster clients share: fail fast while disconnected, reconnect, and a TLS
   * handshake bounded by the connect timeout (with the caller's TLS settings, if any).
   */
  private static <B extends ClientOptions.Builder> B common(B builder, Target t) {
    builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .autoReconnect(true)
        .socketOptions(SocketOptions.builder().connectTimeout(t.connectTimeout()).keepAlive(true)
            .build())
        .timeoutOptions(TimeoutOptions.enabled(t.commandTimeout()))
        .sslOptions((t.sslOptions() == null ? SslOptions.builder() : t.sslOptions().mutate())
            .handshakeTimeout(t.connectTimeout()).build());
    return builder;
  }

  private static Link connect(RedisClient c, Target t, String address, Set<String> secrets,
      Runnable shutdown) {
    StatefulRedisConnection<byte[], byte[]> conn;
    try {
      conn = c.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw unreachable(t.who(), address, secrets, e);
    }
    return new Link(conn, conn.async(), false, t.who(), address, t.commandTimeout(), secrets,
        shutdown);
  }

  private static Link connect(RedisClusterClient c, Target t, String address,
      Set<String> secrets, Runnable shutdown) {
    StatefulRedisClusterConnection<byte[], byte[]> conn;
    try {
      conn = c.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw unreachable(t.who(), address, secrets, e);
    }
    try {
      warmUp(conn, t.connectTimeout());
    } catch (RuntimeException e) {
      conn.close();
      throw unreachable(t.who(), address, secrets, e);
    }
    return new Link(conn, conn.async(), true, t.who(), address, t.commandTimeout(), secrets,
        shutdown);
  }

  /**
   * Connects to every master before the first command: Lettuce opens node connections lazily,
   * and with {@code REJECT_COMMANDS} it rejects a command that would wait for one. A master that
   * appears later (failover, resharding) fails its first calls the same way until connected.
   */
  private static void warmUp(StatefulRedisClusterConnection<byte[], byte[]> conn,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (RedisClusterNode node : conn.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        pending.add(conn.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
        pending.add(conn.getConnectionAsync(node.getNodeId()));
      }
    }
    for (CompletableFuture<?> f : pending) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new RedisConnectionException("cannot connect to a cluster master: "
            + e.getCause().getMessage());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new RedisConnectionException("cannot connect to every cluster master within "
            + timeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RedisConnectionException("interrupted while connecting");
      }
    }
  }

  /** A failure to connect: the message and its root cause (e.g. WRONGPASS), secrets masked. */
  static StoreUnavailableException unreachable(String who, String address, Set<String> secrets,
      RuntimeException e) {
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
    // The cause is left out: Lettuce's exceptions may carry connection details.
    return new StoreUnavailableException(who + ": cannot connect to " + address + ": " + why,
        null);
  }
}
