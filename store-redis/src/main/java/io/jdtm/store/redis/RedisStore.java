package io.jdtm.store.redis;

import static io.jdtm.store.redis.RecordCodec.EMPTY;
import static io.jdtm.store.redis.RecordCodec.number;

import io.jdtm.JdtmException;
import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TransactionStore} on Redis, standalone or Redis Cluster, through one shared Lettuce
 * connection. Open it with {@link #builder()} or {@link io.jdtm.Stores#open(String)} and a URI
 * (see {@link RedisStoreProvider}).
 *
 * <h2>Layout</h2>
 *
 * <p>Every key starts with the store's key prefix (default {@code jdtm_}; letters, digits and
 * {@code _}). Records are spread over a fixed number of <em>shards</em> (default {@value
 * #DEFAULT_SHARDS}), gid {@code g} in shard {@code floorMod(g.hashCode(), shards)}. Every key of a
 * shard carries the hash tag {@code {<prefix>s<N>}}, so a record and the indexes it is in live in
 * one Cluster slot and every atomic step is one Lua script on one slot:
 *
 * <ul>
 *   <li>{@code <prefix>{<prefix>s<N>}tx:<gid>}: the record, a hash. Fields {@code v} (version),
 *       {@code s} (status), {@code e} (lease epoch), {@code o} (lease owner), {@code n} (next due
 *       time, epoch ms), {@code c} (creation time), {@code u} (last update) are plain text the
 *       scripts read; {@code d} (mode, options, custom data and branch definitions) and {@code p}
 *       (reason and branch progress) are compact binary values with a format byte;
 *   <li>{@code <prefix>{<prefix>s<N>}due}: sorted set of the shard's due gids by due time;
 *   <li>{@code <prefix>{<prefix>s<N>}ids}: sorted set of the shard's gids, in gid order;
 *   <li>{@code <prefix>{<prefix>s<N>}fin}: sorted set of the shard's finished gids by finish time;
 *   <li>{@code <prefix>meta}: the layout ({@code shards}, {@code format}); a store opened on the
 *       same prefix with another number of shards is refused.
 * </ul>
 *
 * <h2>Round trips</h2>
 *
 * <p>{@code create}, {@code load} and an {@code update} built {@link TxUpdate#against against}
 * its base are one round trip each: the new record is computed in Java, and the script only
 * checks version, creation time (the record was not purged and created again) and lease epoch,
 * then writes. An update without a base (or one its base does not explain) reads the record
 * first. {@code apply} pipelines one script per update on the shared connection. {@code claimDue}
 * counts the due records of every shard in one pipelined round trip, then runs one script per
 * shard it visits, starting at a rotating shard, so that no shard starves; within a shard the
 * oldest due go first, and concurrent claimers never lease a record twice (the script checks and
 * leases atomically). {@code purge} deletes only records that are finished and last updated
 * before the cutoff, per shard in batches; nothing ever expires on its own.
 *
 * <h2>Failures and durability</h2>
 *
 * <p>Commands issued while the connection is down are rejected, never buffered and replayed
 * later; every call waits at most the command timeout; connection loss, timeouts and server
 * errors throw {@link StoreUnavailableException} naming the operation (never a credential), and
 * calls succeed again once Lettuce has reconnected. At open the store reads the server's {@code
 * appendonly}, {@code appendfsync} and {@code maxmemory-policy}: it declares {@link
 * StoreCapability#DURABLE} only for {@code appendonly yes} with {@code appendfsync always} and a
 * policy that never evicts its keys (on every Cluster master), and otherwise logs one WARN saying
 * what can be lost. Redis Cluster replicates asynchronously: a failover
 * can lose writes a master acknowledged but had not yet sent to its replica, whatever the fsync
 * setting.
 *
 * <p>A record whose stored values do not parse makes {@code load} and {@code create} throw a
 * {@link JdtmException} naming the key field and the problem; a claim leaves it leased until its
 * lease ends (reporting it), and a query leaves it out (reporting it).
 *
 * <p>Thread-safe: one store serves any number of threads and managers.
 */
public final class RedisStore implements TransactionStore {
  /** Default number of shards. */
  public static final int DEFAULT_SHARDS = 16;
  /** Default time a call waits for Redis. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
  /** Default time a connection attempt waits. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final int FORMAT = 1;
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);

  private final Link link;
  private final Keys keys;
  private final Set<StoreCapability> capabilities;
  private final Unreadables unreadables;
  private final Writes writes;
  private final Claims claims;
  private final Scans scans;
  private volatile boolean closed;

  RedisStore(Link link, Keys keys, boolean durable) {
    this.link = link;
    this.keys = keys;
    EnumSet<StoreCapability> caps = EnumSet.of(StoreCapability.SHARED_ACROSS_PROCESSES,
        StoreCapability.BATCHED_APPLY);
    if (durable) {
      caps.add(StoreCapability.DURABLE);
    }
    this.capabilities = Collections.unmodifiableSet(caps);
    this.unreadables = new Unreadables(keys);
    this.writes = new Writes(link, keys);
    this.claims = new Claims(link, keys, unreadables);
    this.scans = new Scans(link, keys, unreadables);
  }

  /**
   * A builder for a store on a URI or on a Lettuce client of the caller's.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CreateResult create(TxRecord r) {
    open();
    String gid = r.gid();
    int s = keys.shard(gid);
    List<Object> stored = link.run(Scripts.CREATE, ScriptOutputType.MULTI, "create", gid,
        new byte[][] {keys.tx(s, gid), keys.ids(s), keys.due(s), keys.fin(s)},
        gid.getBytes(StandardCharsets.UTF_8), number(r.version()),
        RecordCodec.status(r.status()), number(r.leaseEpoch()),
        r.leaseOwner() == null ? EMPTY : ("=" + r.leaseOwner()).getBytes(StandardCharsets.UTF_8),
        RecordCodec.millis(r.nextDueAt()), number(r.createdAt().toEpochMilli()),
        number(r.updatedAt().toEpochMilli()), RecordCodec.definition(r), RecordCodec.progress(r),
        r.status().isTerminal() ? Writes.TERMINAL : Writes.NOT_TERMINAL);
    return stored.isEmpty() ? CreateResult.created(r)
        : CreateResult.exists(readOrThrow(gid, stored));
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    open();
    byte[] key = keys.tx(keys.shard(gid), gid);
    Map<byte[], byte[]> fields = link.call("load", gid, () -> link.async.hgetall(key));
    if (fields == null || fields.isEmpty()) {
      return Optional.empty();
    }
    List<Object> flat = new ArrayList<>(fields.size() * 2);
    for (Map.Entry<byte[], byte[]> e : fields.entrySet()) {
      flat.add(e.getKey());
      flat.add(e.getValue());
    }
    return Optional.of(readOrThrow(gid, flat));
  }

  private TxRecord readOrThrow(String gid, List<?> fields) {
    try {
      return RecordCodec.read(gid, fields);
    } catch (RecordCodec.BadRecord e) {
      throw unreadables.exception(gid, e);
    }
  }

  @Override
  public boolean update(TxUpdate update) {
    open();
    Writes.Write w = writes.plan(update, this::load);
    return w != null && Writes.applied(link.await(writes.start(w), "update", update.gid()));
  }

  /** Pipelines one script per update on the shared connection, after planning them all. */
  @Override
  public List<Boolean> apply(List<TxUpdate> updates) {
    open();
    Writes.Write[] planned = new Writes.Write[updates.size()];
    for (int i = 0; i < planned.length; i++) {
      planned[i] = writes.plan(updates.get(i), this::load); // a bad op throws before any write
    }
    List<Link.Pending<Long>> pending = new ArrayList<>(planned.length);
    for (Writes.Write w : planned) {
      pending.add(w == null ? null : writes.start(w));
    }
    Boolean[] results = new Boolean[planned.length];
    StoreUnavailableException failure = null;
    for (int i = 0; i < planned.length; i++) {
      try {
        results[i] = pending.get(i) != null
            && Writes.applied(link.await(pending.get(i), "apply", updates.get(i).gid()));
      } catch (StoreUnavailableException e) {
        failure = failure == null ? e : failure; // wait for the others, then report the first
      }
    }
    if (failure != null) {
      throw failure;
    }
    return Arrays.asList(results);
  }

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    open();
    Objects.requireNonNull(owner, "owner");
    return limit < 1 ? List.of() : claims.claim(now, owner, lease, limit);
  }

  @Override
  public TxPage query(TxQuery query) {
    open();
    return scans.query(query);
  }

  @Override
  public int purge(Instant finishedBefore) {
    open();
    return scans.purge(finishedBefore);
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return capabilities;
  }

  /** See {@link Integrity}; for tests. */
  void checkIntegrity() {
    Integrity.check(link, keys, this::load);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    link.close();
  }

  private void open() {
    if (closed) {
      throw new StoreUnavailableException("the Redis store " + this + " is closed", null);
    }
  }

  /** Where it is and which prefix it uses; never a credential. */
  @Override
  public String toString() {
    return "RedisStore[" + link.address + " prefix " + keys.prefix + ", " + keys.shards
        + " shards]";
  }

  /**
   * Builds a {@link RedisStore} from a URI or a caller's Lettuce client. Not thread-safe.
   */
  public static final class Builder {
    private String uri;
    private RedisClient client;
    private RedisClusterClient clusterClient;
    private String keyPrefix;
    private Integer shards;
    private Duration commandTimeout;
    private Duration connectTimeout;
    private ClientResources resources;
    private SslOptions sslOptions;

    private Builder() {}

    /**
     * The store URI, as {@link RedisStoreProvider} describes it; its {@code #jdtm.} options apply
     * unless this builder sets the same option.
     */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /**
     * A standalone client of the caller's, created with the server's {@code RedisURI}; the store
     * opens its own connection on it and never shuts the client down. It must be configured
     * with {@code DisconnectedBehavior.REJECT_COMMANDS} (or without automatic reconnection), so
     * that no command is replayed behind the engine's back: {@link #build()} refuses it otherwise.
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * A Redis Cluster client of the caller's; the store opens its own connection on it and never
     * shuts the client down. Configure it as {@link #client(RedisClient)} says.
     */
    public Builder client(RedisClusterClient client) {
      this.clusterClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Prefix of every key (default {@code jdtm_}): 1 to 63 of {@code A-Z a-z 0-9 _}. */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = KeyPrefix.require(prefix);
      return this;
    }

    /**
     * Number of shards (default {@value #DEFAULT_SHARDS}, 1 to 1024); fixed for a key prefix once
     * the store was first opened.
     */
    public Builder shards(int shards) {
      if (shards < 1 || shards > 1024) {
        throw new IllegalArgumentException("shards must be 1 to 1024, was " + shards);
      }
      this.shards = shards;
      return this;
    }

    /** How long a call waits for Redis (default 5 s). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive("commandTimeout", timeout);
      return this;
    }

    /**
     * TLS settings for a {@code rediss://} (or {@code rediss-cluster://}) URI: the trust material
     * for a server certificate from a private CA, client certificates, protocols. Without them
     * the JVM's defaults apply ({@code javax.net.ssl.trustStore}). The handshake is bounded by
     * the connect timeout either way. Ignored for a caller's client, which has its own.
     */
    public Builder sslOptions(SslOptions sslOptions) {
      this.sslOptions = Objects.requireNonNull(sslOptions, "sslOptions");
      return this;
    }

    /** How long a connection attempt waits (default 10 s); for clients the store creates. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Lettuce client resources (threads) for the client the store creates from its URI; the
     * store does not shut them down. By default the store creates its own and shuts them down
     * on close.
     */
    public Builder clientResources(ClientResources resources) {
      this.resources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    /**
     * Connects, checks the key layout and the server's persistence settings, and loads the
     * scripts.
     *
     * @throws IllegalArgumentException when the URI is malformed
     * @throws IllegalStateException when neither or several of URI and clients are given, or
     *     the prefix's keys were laid out with another number of shards
     * @throws StoreUnavailableException when Redis cannot be reached
     */
    public RedisStore build() {
      int given = (uri == null ? 0 : 1) + (client == null ? 0 : 1) + (clusterClient == null ? 0
          : 1);
      if (given != 1) {
        throw new IllegalStateException("give the Redis store exactly one of uri(...), "
            + "client(RedisClient) and client(RedisClusterClient); " + given + " given");
      }
      RedisUri parsed = uri == null ? null : RedisUri.parse(uri);
      String prefix = RedisUri.pick(keyPrefix, parsed == null ? null : parsed.keyPrefix(),
          KeyPrefix.DEFAULT);
      int n = RedisUri.pick(shards, parsed == null ? null : checkedShards(parsed.shards()),
          DEFAULT_SHARDS);
      Duration command = RedisUri.pick(commandTimeout,
          parsed == null ? null : parsed.commandTimeout(),
          DEFAULT_COMMAND_TIMEOUT);
      Duration connect = RedisUri.pick(connectTimeout,
          parsed == null ? null : parsed.connectTimeout(),
          DEFAULT_CONNECT_TIMEOUT);
      return Opener.open(new Opener.Settings(parsed, client, clusterClient, resources,
          new Keys(prefix, n), command, connect, sslOptions));
    }

    private static Integer checkedShards(Integer n) {
      if (n != null && n > 1024) {
        throw new IllegalArgumentException("jdtm option 'jdtm.shards' must be 1 to 1024, was "
            + n);
      }
      return n;
    }
  }
}
