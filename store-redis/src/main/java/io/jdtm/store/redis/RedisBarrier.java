package io.jdtm.store.redis;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import io.jdtm.spi.Names;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The sub-transaction barrier in Redis (standalone or Redis Cluster): each barrier call of a
 * branch op takes effect at most once however often and in whatever order the manager calls it,
 * with DTM's rules (see {@link Barrier}): a repeated call, a null compensation or cancel, and a
 * late action or try after its compensation or cancel answer SUCCESS without running the work,
 * and a message's local transaction after a check-back that rolled it back answers FAILURE.
 *
 * <p>Redis has no transaction that stays open while Java code runs, so the local work does not
 * change Redis itself: it records its changes on an {@link Effects} ({@link Effects#adjust adjust
 * a balance if it stays above a floor}, {@link Effects#incrBy incrBy}, {@link Effects#set set},
 * {@link Effects#delete delete}; {@link Effects#get get} to decide), and when it answers SUCCESS
 * one Lua script checks the barrier keys and applies every effect with the call's barrier key,
 * atomically, or nothing:
 *
 * <pre>{@code
 * RedisBarrier barrier = RedisBarrier.builder().uri("redis://127.0.0.1:6379").build();
 *
 * // in the handler of the saga action "transferOut":
 * return barrier.call(ctx, fx -> {
 *   fx.adjust("balance:{alice}", -30, 0); // FAILURE, and nothing applied, below 0
 *   return Outcome.success();
 * });
 * }</pre>
 *
 * <p>A call makes one round trip before the work (the script checks the rules; it writes only
 * what a call that skips the work writes: a null compensation's keys) and one after it (the
 * script checks them again and applies). So a repeated call never runs the work; two deliveries
 * of one op racing each other may both run it, but only one applies its effects: the other
 * answers SUCCESS as a repeat. The work's FAILURE, ONGOING, {@code null} (a FAILURE) or exception
 * applies nothing and writes no barrier key, so the next delivery runs it again. The script
 * refuses the whole call, applying nothing, when an {@link Effects#adjust adjust} would fall below
 * its floor (the call answers FAILURE naming the key), when a value the work {@link Effects#get
 * read} changed before the script ran (a {@link ConcurrentModificationException}: the op is
 * delivered again), or when an effect meets a key of another type or an integer effect a value
 * that is not an integer within +-(2^53 - 1) (an {@link IllegalStateException}).
 *
 * <p>Keys: {@code <prefix>barrier:{<tag>}|<mode>|<gid>|<branch>|<op>|<barrier id>}, whose value
 * is the reason and creation time. The hash tag is the gid unless the builder's {@link
 * Builder#hashTags} maps gids to other tags, or the call names one ({@link #call(BranchContext,
 * String, LocalWork)}). On Redis Cluster every key of one call must be in one slot, so effect
 * keys carry the same hash tag: {@code balance:{alice}} with tag {@code alice}, or keys tagged
 * {@code {<gid>}} with the default. Every op of one branch (action and compensate, try, confirm and
 * cancel) must use the same tag, or the rules cannot see each other's keys; a message's local
 * transaction uses the builder's tag of its gid, where {@link #queryPrepared} looks. A key outside
 * the call's slot is refused with an {@link IllegalArgumentException} when the work records it,
 * before any write; on standalone Redis the check is off unless {@link Builder#requireOneSlot} is
 * set (turn it on to keep an application ready for Cluster).
 *
 * <p>No key ever expires: an expiry would let a late action through after its compensation.
 * {@link #purgeOlderThan} removes old keys under the same rule as the JDBC barrier. The keys are
 * as durable as the effects they guard, which they are written with: a Redis that can lose an
 * acknowledged write (no AOF with {@code appendfsync always}, or a failover, since replication is
 * asynchronous) can lose an effect and its key together, and a redelivery then applies it again.
 *
 * <p>Errors: a Redis that cannot be reached, times out ({@link Builder#commandTimeout}) or fails
 * a command throws {@link io.jdtm.StoreUnavailableException} naming the step, the call and the
 * endpoint (never credentials); the outcome is unknown and the manager calls again. Invalid gids
 * and branch ids throw {@link io.jdtm.InvalidTransactionException} before any command.
 *
 * <p>Thread-safe: one barrier serves every thread over one multiplexed Lettuce connection.
 */
public final class RedisBarrier implements Barrier<RedisBarrier.Effects>, AutoCloseable {
  private final Link link;
  private final BarrierKeys keys;
  private final Function<String, String> hashTags;
  private final boolean oneSlot;
  private final Clock clock;
  private volatile boolean closed;

  private RedisBarrier(Link link, BarrierKeys keys, Function<String, String> hashTags,
      boolean oneSlot, Clock clock) {
    this.link = link;
    this.keys = keys;
    this.hashTags = hashTags;
    this.oneSlot = oneSlot;
    this.clock = clock;
  }

  /** A builder; set one of {@code uri} or {@code client}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Runs {@code work} under the barrier, its keys tagged with the builder's tag of the gid. */
  @Override
  public Outcome call(BranchContext ctx, LocalWork<Effects> work) throws Exception {
    return call(ctx, null, work);
  }

  /**
   * Runs {@code work} under the barrier, its keys tagged with {@code hashTag}, so that on Redis
   * Cluster they share a slot with effect keys carrying {@code {hashTag}}. Use the same tag for
   * every op of the branch. A message's local transaction (op msg) may only name the tag the
   * builder gives its gid, since {@link #queryPrepared} looks there.
   *
   * @param hashTag 1 to 128 characters without braces or control characters, or {@code null} for
   *     the builder's tag of the gid
   * @throws IllegalArgumentException for an invalid tag, or a message tag other than its gid's
   */
  public Outcome call(BranchContext ctx, String hashTag, LocalWork<Effects> work)
      throws Exception {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(work, "work");
    BarrierKeys.validate(ctx);
    String tag = tag(ctx, hashTag);
    requireOpen();
    String barrierId = ctx.nextBarrierId();
    String call = BarrierKeys.describe(ctx, barrierId);
    BranchOp origin = ctx.op().origin();
    String row = keys.row(tag, ctx, ctx.op(), barrierId);
    String originRow = origin == null ? row : keys.row(tag, ctx, origin, barrierId);
    BarrierCall script = new BarrierCall(link, call, ctx, row, originRow,
        ctx.op().wireName() + " " + clock.millis());
    Outcome skipped = script.probe();
    if (skipped != null) {
      return skipped;
    }
    int slot = oneSlot ? BarrierKeys.slot(row) : -1;
    BarrierSteps steps = new BarrierSteps(keys, slot, tag, script::read);
    Outcome outcome = work.run(new Effects(steps));
    if (outcome == null) {
      return Outcome.failure("the barrier's local work returned no outcome (null)");
    }
    return outcome.isSuccess() ? script.apply(steps, outcome) : outcome;
  }

  private String tag(BranchContext ctx, String hashTag) {
    if (hashTag == null) {
      return tagOf(ctx.gid());
    }
    BarrierKeys.requireTag(hashTag);
    if (ctx.op() == BranchOp.MSG && !hashTag.equals(tagOf(ctx.gid()))) {
      throw new IllegalArgumentException("the local transaction of message " + ctx.gid()
          + " must use hash tag " + Names.quote(tagOf(ctx.gid())) + " (the builder's tag of its "
          + "gid, where the check-back looks), not " + Names.quote(hashTag) + "; map gids to "
          + "tags with RedisBarrier.Builder.hashTags");
    }
    return hashTag;
  }

  private String tagOf(String gid) {
    String tag = hashTags.apply(gid);
    try {
      return BarrierKeys.requireTag(tag);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the builder's hashTags function mapped gid " + gid
          + " to an invalid tag: " + e.getMessage());
    }
  }

  /**
   * The check-back of message {@code gid}: SUCCESS when its local transaction committed; FAILURE
   * when it did not, after which it never can (its {@code call} answers FAILURE without running
   * the work). One script, so a local transaction applying at the same time is either before it
   * (SUCCESS) or after it (refused). The same answer every time it is asked.
   */
  @Override
  public Outcome queryPrepared(String gid) {
    Names.requireGid(gid);
    requireOpen();
    String row = keys.msgRow(tagOf(gid), gid);
    String answer = BarrierScripts.RUN_CHECK_BACK.run(link, "checking the message back [gid="
        + gid + " mode=msg check-back]", gid, new String[] {row}, "rollback " + clock.millis())
        .get(0);
    return switch (answer) {
      case "committed" -> Outcome.success();
      case "rolledback-now" -> Outcome.failure("the local transaction of message " + gid
          + " had not committed; the check-back rolled it back for good");
      default -> Outcome.failure("an earlier check-back rolled message " + gid + " back");
    };
  }

  /**
   * Deletes the barrier keys of this prefix created before {@code cutoff}, visiting every key of
   * the prefix with SCAN (every master on a cluster) and deleting each old one with a script that
   * checks its creation time again.
   *
   * <p>Only safe for transactions that finished longer ago than the oldest request that could
   * still arrive (RELIABILITY I-16): once a key is gone, a late duplicate runs its work again and
   * a late action after its compensation is no longer blocked. Choose a cutoff well beyond the
   * manager's longest retry and timeout horizon and any network delay, e.g. days. This is why no
   * key is given an expiry instead: an expiry cannot know whether a request is still in flight.
   *
   * @return how many keys were deleted
   */
  public long purgeOlderThan(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    requireOpen();
    String op = "purging barrier keys [purge before " + cutoff + "]";
    String before = Long.toString(cutoff.toEpochMilli());
    ScanArgs args = ScanArgs.Builder.matches(keys.pattern()).limit(500);
    // On Cluster, Lettuce's SCAN visits every master, its cursor naming the node.
    KeyScanCursor<byte[]> page = link.call(op, null, () -> link.async.scan(args));
    long deleted = 0;
    while (true) {
      for (byte[] key : page.getKeys()) {
        List<String> answer = BarrierScripts.RUN_PURGE.run(link, op, null,
            new String[] {new String(key, StandardCharsets.UTF_8)}, before);
        deleted += "1".equals(answer.get(0)) ? 1 : 0;
      }
      if (page.isFinished()) {
        return deleted;
      }
      KeyScanCursor<byte[]> cursor = page;
      page = link.call(op, null, () -> link.async.scan(cursor, args));
    }
  }

  /** Closes the connection, and the Lettuce client when the barrier created it from a URI. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    link.close();
  }

  @Override
  public String toString() {
    return "RedisBarrier[" + link.address + ", keys " + keys.namespace() + "*]";
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the Redis barrier on " + link.address + " is closed");
    }
  }

  /**
   * The local transaction of a Redis barrier call: the work records here what it changes, and
   * the barrier applies it all with the call's barrier key in one script, or nothing (see {@link
   * RedisBarrier}). Reads return committed values as the work's own effects change them; the
   * script refuses the call if a value read changed meanwhile. Effects act on string values;
   * integer effects on integers within +-(2^53 - 1), an absent key counting as 0. Keys must not be
   * the barrier's own, and on Redis Cluster must share the call's slot.
   *
   * <p>Not thread-safe: used by the one thread that runs the work, during the call only.
   */
  public static final class Effects {
    private final BarrierSteps steps;

    private Effects(BarrierSteps steps) {
      this.steps = steps;
    }

    /**
     * The value of {@code key} as this work sees it: committed, then changed by this work's own
     * effects; {@code null} when absent. The call applies nothing if the committed value changes
     * before its script runs.
     */
    public String get(String key) {
      return steps.get(key);
    }

    /**
     * {@link #get} as an integer, 0 when absent.
     *
     * @throws IllegalStateException when the value is not an integer
     */
    public long getLong(String key) {
      String value = steps.get(key);
      return value == null ? 0 : BarrierSteps.parse(key, value);
    }

    /** Sets {@code key} to {@code value} (like SET). */
    public Effects set(String key, String value) {
      steps.set(key, value);
      return this;
    }

    /** Deletes {@code key} (like DEL). */
    public Effects delete(String key) {
      steps.delete(key);
      return this;
    }

    /** Adds {@code delta} to the integer at {@code key} (like INCRBY; absent counts as 0). */
    public Effects incrBy(String key, long delta) {
      steps.incrBy(key, delta);
      return this;
    }

    /**
     * Adds {@code delta} to the integer at {@code key} unless the result would be below {@code
     * floor}: then the whole call applies nothing, writes no barrier key and answers FAILURE
     * naming the key, so the next delivery runs it again. The check happens in the script, on
     * the value at that moment (after this work's earlier effects on the key).
     */
    public Effects adjust(String key, long delta, long floor) {
      steps.adjust(key, delta, floor);
      return this;
    }
  }

  /**
   * Configures a {@link RedisBarrier}; each setting is checked when set, and {@link #build()}
   * connects. Not thread-safe.
   */
  public static final class Builder {
    private String uri;
    private RedisClient redisClient;
    private RedisClusterClient clusterClient;
    private String keyPrefix;
    private Duration commandTimeout;
    private Duration connectTimeout;
    private SslOptions sslOptions;
    private Function<String, String> hashTags = gid -> gid;
    private boolean requireOneSlot;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * A URI, in the same forms {@link RedisStore} takes (see {@link RedisStoreProvider}): {@code
     * redis://[user:password@]host[:port][/database]}, {@code rediss://} for TLS, or {@code
     * redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://} for
     * TLS) naming seeds of a Redis Cluster; a host is a name, an IPv4 address or a bracketed IPv6
     * address. User and password are percent-encoded ({@code redis://password@host} gives a
     * password for the default user). jdtm's options may follow after {@code #jdtm.}, {@code
     * &}-separated: {@code jdtm.keyPrefix}, {@code jdtm.commandTimeout} and {@code
     * jdtm.connectTimeout} (durations in whole {@code ms}, {@code s} or {@code m}, e.g. {@code
     * redis://h:6379#jdtm.keyPrefix=pay_&jdtm.commandTimeout=2s}); the builder's own setting of
     * the same option wins. {@code jdtm.shards} (the store's) and query parameters ({@code ?...})
     * are refused. The barrier creates a Lettuce client for it as the store does: commands
     * rejected while disconnected (never buffered and replayed later), automatic reconnection,
     * the timeouts, and on Cluster a periodic and adaptive topology refresh and a connection to
     * every master at build; it shuts the client down on close. Never logged unredacted.
     *
     * @throws IllegalArgumentException when the URI is not one of these, naming the problem with
     *     the URI's credentials masked
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      parse(uri);
      this.uri = uri;
      return this;
    }

    private static RedisUri parse(String uri) {
      RedisUri parsed = RedisUri.parse(uri);
      parsed.refuse(RedisUri.SHARDS, "is the Redis store's; the barrier's keys have no shards");
      return parsed;
    }

    /**
     * A Lettuce client for standalone Redis that the caller owns (and shuts down); its options
     * stay as they are. Lettuce's default buffers commands while disconnected and sends them on
     * reconnect; the barrier stays correct under such a replay (a late apply is a repeated or
     * blocked call), but give the client {@code disconnectedBehavior(REJECT_COMMANDS)} for calls
     * that fail fast.
     */
    public Builder client(RedisClient client) {
      this.redisClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** A Lettuce client for Redis Cluster that the caller owns; as {@link #client(RedisClient)}. */
    public Builder client(RedisClusterClient client) {
      this.clusterClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Prefix of every barrier key (default {@code jdtm_}): keys {@code <prefix>barrier:...}.
     *
     * @throws IllegalArgumentException unless it matches {@code [A-Za-z_][A-Za-z0-9_]{0,62}}
     */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = KeyPrefix.require(prefix);
      return this;
    }

    /**
     * How long one Redis command may take (default 5 s), after which the call fails with {@link
     * io.jdtm.StoreUnavailableException} and its outcome is unknown.
     *
     * @throws IllegalArgumentException unless between 1 ms and 10 minutes
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = checked("commandTimeout", timeout);
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

    /**
     * How long connecting to Redis may take (default 10 s), for the client the barrier creates
     * from its URI.
     *
     * @throws IllegalArgumentException unless between 1 ms and 10 minutes
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checked("connectTimeout", timeout);
      return this;
    }

    private static Duration checked(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(name + " must be between 1 ms and 10 minutes, was "
            + timeout);
      }
      return timeout;
    }

    /**
     * The hash tag of a gid's barrier keys (default the gid itself), for calls that name none and
     * for {@link RedisBarrier#queryPrepared}. On Redis Cluster a message's local transaction can
     * only change keys in its tag's slot, so map its gid to the tag of the keys it changes (e.g.
     * gids {@code alice.<id>} to {@code alice}). The function must be pure: the same gid, the same
     * tag, on every instance.
     */
    public Builder hashTags(Function<String, String> tags) {
      this.hashTags = Objects.requireNonNull(tags, "tags");
      return this;
    }

    /**
     * Whether every key of one call must be in one slot on standalone Redis too (default false;
     * always true on Redis Cluster), so that code tested on standalone Redis runs on Cluster.
     */
    public Builder requireOneSlot(boolean require) {
      this.requireOneSlot = require;
      return this;
    }

    /** The clock that stamps the keys' creation time for {@link #purgeOlderThan} (default UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Connects and loads the scripts.
     *
     * @throws IllegalStateException unless exactly one of uri and client is set
     * @throws io.jdtm.StoreUnavailableException when Redis cannot be reached or refuses the
     *     credentials
     */
    public RedisBarrier build() {
      int sources = (uri != null ? 1 : 0) + (redisClient != null ? 1 : 0)
          + (clusterClient != null ? 1 : 0);
      if (sources != 1) {
        throw new IllegalStateException("set exactly one of uri, client(RedisClient) and "
            + "client(RedisClusterClient); " + sources + " are set");
      }
      RedisUri parsed = uri == null ? null : parse(uri);
      String prefix = RedisUri.pick(keyPrefix,
          parsed == null ? null : parsed.keyPrefix(), KeyPrefix.DEFAULT);
      Duration command = checked("commandTimeout", RedisUri.pick(commandTimeout,
          parsed == null ? null : parsed.commandTimeout(), RedisStore.DEFAULT_COMMAND_TIMEOUT));
      Duration connect = checked("connectTimeout", RedisUri.pick(connectTimeout,
          parsed == null ? null : parsed.connectTimeout(), RedisStore.DEFAULT_CONNECT_TIMEOUT));
      Link link = Connector.connect(new Connector.Target("Redis barrier", parsed, redisClient,
          clusterClient, null, command, connect, sslOptions));
      try {
        link.load("loading the scripts [build]", BarrierScripts.values());
      } catch (RuntimeException e) {
        link.close();
        throw e;
      }
      return new RedisBarrier(link, new BarrierKeys(prefix), hashTags,
          requireOneSlot || link.cluster, clock);
    }
  }
}
