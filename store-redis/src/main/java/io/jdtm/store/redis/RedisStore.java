package io.jdtm.store.redis;

import static io.jdtm.store.redis.RecordCodec.EMPTY;
import static io.jdtm.store.redis.RecordCodec.number;

import io.jdtm.JdtmException;
import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.Names;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * appendonly} and {@code appendfsync}: it declares {@link StoreCapability#DURABLE} only for
 * {@code appendonly yes} with {@code appendfsync always} (on every Cluster master), and otherwise
 * logs one WARN saying what a crash can lose. Redis Cluster replicates asynchronously: a failover
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
  private static final int PURGE_BATCH = 500;
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final byte[] ZERO = number(0);
  private static final byte[] ONE = number(1);
  private static final byte[] TERMINAL = ascii("1");
  private static final byte[] NOT_TERMINAL = ascii("0");

  private final Link link;
  private final Keys keys;
  private final Set<StoreCapability> capabilities;
  private final String address;
  private final Runnable shutdown;
  private final AtomicInteger cursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));
  private final Set<String> reported = Collections.newSetFromMap(
      Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 1_000;
        }
      }));
  private volatile boolean closed;

  RedisStore(Link link, Keys keys, boolean durable, String address, Runnable shutdown) {
    this.link = link;
    this.keys = keys;
    EnumSet<StoreCapability> caps = EnumSet.of(StoreCapability.SHARED_ACROSS_PROCESSES,
        StoreCapability.BATCHED_APPLY);
    if (durable) {
      caps.add(StoreCapability.DURABLE);
    }
    this.capabilities = Collections.unmodifiableSet(caps);
    this.address = address;
    this.shutdown = shutdown;
  }

  /** A builder for a store on a URI or on a Lettuce client of the caller's. */
  public static Builder builder() {
    return new Builder();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  // ---- create / load ---------------------------------------------------------------------

  @Override
  public CreateResult create(TxRecord r) {
    open();
    String gid = r.gid();
    int s = keys.shard(gid);
    List<Object> stored = link.run(Scripts.CREATE, ScriptOutputType.MULTI, "create", gid,
        new byte[][] {keys.tx(s, gid), keys.ids(s), keys.due(s), keys.fin(s)},
        gidBytes(gid), number(r.version()), RecordCodec.status(r.status()),
        number(r.leaseEpoch()),
        r.leaseOwner() == null ? EMPTY : ("=" + r.leaseOwner()).getBytes(StandardCharsets.UTF_8),
        RecordCodec.millis(r.nextDueAt()), number(r.createdAt().toEpochMilli()),
        number(r.updatedAt().toEpochMilli()), RecordCodec.definition(r), RecordCodec.progress(r),
        r.status().isTerminal() ? TERMINAL : NOT_TERMINAL);
    if (stored.isEmpty()) {
      return CreateResult.created(r);
    }
    return CreateResult.exists(readOrThrow(gid, stored));
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    open();
    int s = keys.shard(gid);
    byte[] key = keys.tx(s, gid);
    Map<byte[], byte[]> fields = link.call("load", gid, () -> link.async.hgetall(key));
    if (fields == null || fields.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(readOrThrow(gid, flat(fields)));
  }

  private static List<Object> flat(Map<byte[], byte[]> fields) {
    List<Object> list = new ArrayList<>(fields.size() * 2);
    for (Map.Entry<byte[], byte[]> e : fields.entrySet()) {
      list.add(e.getKey());
      list.add(e.getValue());
    }
    return list;
  }

  private TxRecord readOrThrow(String gid, List<?> fields) {
    try {
      return RecordCodec.read(gid, fields);
    } catch (RecordCodec.BadRecord e) {
      throw new JdtmException("the stored record is unreadable: " + describe(gid, e)
          + "; repair or delete the key", gid, null, null, null);
    }
  }

  private String describe(String gid, RecordCodec.BadRecord e) {
    return "key " + keys.prefix + "{" + keys.prefix + "s" + keys.shard(gid) + "}tx:" + gid + " "
        + e.getMessage();
  }

  // ---- updates ---------------------------------------------------------------------------

  @Override
  public boolean update(TxUpdate update) {
    open();
    Write w = plan(update);
    if (w == null) {
      return false;
    }
    return isOne(link.await(start(w), "update", update.gid()));
  }

  @Override
  public List<Boolean> apply(List<TxUpdate> updates) {
    open();
    Write[] writes = new Write[updates.size()];
    for (int i = 0; i < writes.length; i++) {
      writes[i] = plan(updates.get(i)); // every plan before any write: a bad op writes nothing
    }
    List<Link.Pending<Long>> pending = new ArrayList<>(writes.length);
    for (Write w : writes) {
      pending.add(w == null ? null : start(w));
    }
    Boolean[] results = new Boolean[writes.length];
    StoreUnavailableException failure = null;
    for (int i = 0; i < writes.length; i++) {
      if (pending.get(i) == null) {
        results[i] = false;
        continue;
      }
      try {
        results[i] = isOne(link.await(pending.get(i), "apply", updates.get(i).gid()));
      } catch (StoreUnavailableException e) {
        failure = failure == null ? e : failure; // wait for the others, then report the first
      }
    }
    if (failure != null) {
      throw failure;
    }
    return Arrays.asList(results);
  }

  private static boolean isOne(Object answer) {
    return answer instanceof Long n && n == 1L;
  }

  /** One planned compare-and-set write: the record it expects and the record it writes. */
  private record Write(TxUpdate update, TxRecord from, TxRecord next) {}

  /**
   * The write of {@code u}, computed from its base when the base explains it, else from the
   * stored record (one read); {@code null} when the compare-and-set is known to fail.
   *
   * @throws IllegalArgumentException when it names a branch op the record does not have, or adds
   *     one it has
   */
  private Write plan(TxUpdate u) {
    Optional<TxRecord> base = u.base();
    if (base.isPresent() && base.get().version() == u.expectedVersion()
        && base.get().gid().equals(u.gid())) {
      if (!base.get().accepts(u)) {
        return null;
      }
      try {
        return new Write(u, base.get(), applied(base.get(), u));
      } catch (RuntimeException e) {
        // a stale base may be behind the problem: the stored record decides
      }
    }
    Optional<TxRecord> stored = load(u.gid());
    if (stored.isEmpty()) {
      return null;
    }
    TxRecord r = stored.get();
    if (r.version() != u.expectedVersion() || !r.accepts(u)
        || base.isPresent() && !base.get().createdAt().equals(r.createdAt())) {
      return null;
    }
    return new Write(u, r, applied(r, u));
  }

  private static TxRecord applied(TxRecord from, TxUpdate u) {
    if (!u.addedBranches().isEmpty()) {
      Set<String> ids = new HashSet<>();
      for (BranchRecord b : from.branches()) {
        ids.add(b.branchId() + "/" + b.op().wireName());
      }
      for (BranchRecord b : u.addedBranches()) {
        if (!ids.add(b.branchId() + "/" + b.op().wireName())) {
          throw new IllegalArgumentException("branch op " + b.branchId() + "/"
              + b.op().wireName() + " added to " + u.gid() + " exists already");
        }
      }
    }
    return from.applying(u);
  }

  private Link.Pending<Long> start(Write w) {
    TxRecord next = w.next();
    TxRecord from = w.from();
    String gid = next.gid();
    int s = keys.shard(gid);
    return link.start(Scripts.UPDATE, ScriptOutputType.INTEGER,
        new byte[][] {keys.tx(s, gid), keys.due(s), keys.fin(s)},
        gidBytes(gid), number(from.version()), number(from.createdAt().toEpochMilli()),
        number(from.leaseEpoch()), number(next.version()), RecordCodec.status(next.status()),
        RecordCodec.millis(next.nextDueAt()), number(next.updatedAt().toEpochMilli()),
        RecordCodec.progress(next),
        w.update().addedBranches().isEmpty() ? EMPTY : RecordCodec.definition(next),
        next.status().isTerminal() ? TERMINAL : NOT_TERMINAL);
  }

  // ---- claims ----------------------------------------------------------------------------

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    open();
    Objects.requireNonNull(owner, "owner");
    if (limit < 1) {
      return List.of();
    }
    int shards = keys.shards;
    String nowText = Long.toString(now.toEpochMilli());
    List<RedisFuture<Long>> counts = new ArrayList<>(shards);
    try {
      for (int s = 0; s < shards; s++) {
        counts.add(link.async.zcount(keys.due(s), "-inf", nowText));
      }
    } catch (RuntimeException e) {
      throw link.unavailable("claimDue", null, e);
    }
    long[] dueCount = new long[shards];
    for (int s = 0; s < shards; s++) {
      RedisFuture<Long> f = counts.get(s);
      Long n = link.call("claimDue", null, () -> f);
      dueCount[s] = n == null ? 0 : n;
    }
    byte[] nowB = ascii(nowText);
    byte[] untilB = number(now.plus(lease).toEpochMilli());
    byte[] ownerB = owner.getBytes(StandardCharsets.UTF_8);
    List<TxRecord> claimed = new ArrayList<>(Math.min(limit, 64));
    int start = Math.floorMod(cursor.get(), shards);
    int next = start + 1;
    for (int i = 0; i < shards && claimed.size() < limit; i++) {
      int s = (start + i) % shards;
      if (dueCount[s] == 0) {
        continue;
      }
      int want = limit - claimed.size();
      List<Object> out = link.run(Scripts.CLAIM, ScriptOutputType.MULTI, "claimDue", null,
          new byte[][] {keys.due(s)}, nowB, untilB, ownerB, number(want), keys.txPrefix(s));
      int got = 0;
      for (int k = 0; k + 1 < out.size(); k += 2) {
        String gid = new String((byte[]) out.get(k), StandardCharsets.UTF_8);
        got++;
        try {
          claimed.add(RecordCodec.read(gid, (List<?>) out.get(k + 1)));
        } catch (RecordCodec.BadRecord e) {
          report(gid, e, "a claim leased it until " + now.plus(lease)
              + " and skips it; it comes back after the lease");
        }
      }
      // Start the next claim here when this shard may hold more due records, else after it.
      next = got >= want && dueCount[s] > got ? s : s + 1;
    }
    cursor.set(next);
    return claimed;
  }

  /** Logs an unreadable record: an ERROR the first time this store meets it, then DEBUG. */
  private void report(String gid, RecordCodec.BadRecord e, String consequence) {
    String shown = Names.isValidGid(gid) ? gid : Names.quote(gid);
    if (reported.add(gid) && !io.jdtm.spi.QuietLogs.isQuiet()) {
      log.error("gid={}: the stored record is unreadable: {}; {}. Repair or delete the key",
          shown, describe(gid, e), consequence);
    } else {
      log.debug("gid={}: the stored record is still unreadable ({}); {}", shown, e.getMessage(),
          consequence);
    }
  }

  // ---- queries and purge -----------------------------------------------------------------

  @Override
  public TxPage query(TxQuery q) {
    open();
    int shards = keys.shards;
    int limit = q.limit();
    byte[] max = q.gidPrefix() == null ? ascii("+") : bound('[', q.gidPrefix(), true);
    byte[] firstMin = firstMin(q);
    List<List<TxRecord>> found = new ArrayList<>(shards);
    byte[][] min = new byte[shards][];
    boolean[] more = new boolean[shards];
    for (int s = 0; s < shards; s++) {
      found.add(new ArrayList<>());
      min[s] = firstMin;
      more[s] = true;
    }
    byte[] count = number(limit);
    boolean any = true;
    while (any) {
      List<Link.Pending<List<Object>>> pages = new ArrayList<>(shards);
      for (int s = 0; s < shards; s++) {
        pages.add(more[s] ? link.start(Scripts.PAGE, ScriptOutputType.MULTI,
            new byte[][] {keys.ids(s)}, min[s], max, count, keys.txPrefix(s)) : null);
      }
      any = false;
      for (int s = 0; s < shards; s++) {
        if (pages.get(s) == null) {
          continue;
        }
        List<Object> page = link.await(pages.get(s), "query", null);
        String last = null;
        for (int k = 0; k + 1 < page.size(); k += 2) {
          String gid = new String((byte[]) page.get(k), StandardCharsets.UTF_8);
          last = gid;
          List<?> fields = (List<?>) page.get(k + 1);
          if (fields.isEmpty()) {
            continue; // deleted meanwhile
          }
          try {
            TxRecord r = RecordCodec.read(gid, fields);
            if (q.matches(r)) {
              found.get(s).add(r);
            }
          } catch (RecordCodec.BadRecord e) {
            report(gid, e, "queries leave it out");
          }
        }
        more[s] = page.size() / 2 >= limit && found.get(s).size() < limit;
        if (more[s]) {
          min[s] = bound('(', last, false);
          any = true;
        }
      }
    }
    List<TxRecord> all = new ArrayList<>();
    found.forEach(all::addAll);
    all.sort(Comparator.comparing(TxRecord::gid));
    return TxPage.of(all.size() > limit ? all.subList(0, limit) : all, limit);
  }

  /** The lowest gid bound of a query: after the cursor and at or after the prefix. */
  private static byte[] firstMin(TxQuery q) {
    String after = q.afterGid();
    String prefix = q.gidPrefix();
    if (after != null && (prefix == null || after.compareTo(prefix) >= 0)) {
      return bound('(', after, false);
    }
    return prefix != null ? bound('[', prefix, false) : ascii("-");
  }

  /** A ZRANGEBYLEX bound; {@code top} appends 0xFF (above every gid character). */
  private static byte[] bound(char kind, String gid, boolean top) {
    byte[] utf8 = gid.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[utf8.length + (top ? 2 : 1)];
    b[0] = (byte) kind;
    System.arraycopy(utf8, 0, b, 1, utf8.length);
    if (top) {
      b[b.length - 1] = (byte) 0xFF;
    }
    return b;
  }

  @Override
  public int purge(Instant finishedBefore) {
    open();
    int shards = keys.shards;
    byte[] cutoff = number(finishedBefore.toEpochMilli());
    byte[] batch = number(PURGE_BATCH);
    boolean[] more = new boolean[shards];
    Arrays.fill(more, true);
    int deleted = 0;
    boolean any = true;
    while (any) {
      List<Link.Pending<List<Object>>> runs = new ArrayList<>(shards);
      for (int s = 0; s < shards; s++) {
        runs.add(more[s] ? link.start(Scripts.PURGE, ScriptOutputType.MULTI,
            new byte[][] {keys.fin(s), keys.ids(s), keys.due(s)}, cutoff, keys.txPrefix(s),
            batch) : null);
      }
      any = false;
      for (int s = 0; s < shards; s++) {
        if (runs.get(s) == null) {
          continue;
        }
        List<Object> r = link.await(runs.get(s), "purge", null);
        deleted += ((Long) r.get(0)).intValue();
        more[s] = (Long) r.get(1) >= PURGE_BATCH;
        any |= more[s];
      }
    }
    return deleted;
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return capabilities;
  }

  /**
   * Checks the indexes against the records: every gid in a shard's {@code ids} has its record,
   * every record with a due time (and only those) is in {@code due} with that score, every
   * finished record is in {@code fin}. For tests; reads every record.
   *
   * @throws IllegalStateException describing the first inconsistency
   */
  void checkIntegrity() {
    for (int s = 0; s < keys.shards; s++) {
      byte[] idsKey = keys.ids(s);
      byte[] dueKey = keys.due(s);
      byte[] finKey = keys.fin(s);
      List<byte[]> ids = link.call("check", null, () -> link.async.zrange(idsKey, 0, -1));
      Set<String> dueGids = new HashSet<>();
      for (var sv : link.call("check", null,
          () -> link.async.zrangeWithScores(dueKey, 0, -1))) {
        String gid = new String(sv.getValue(), StandardCharsets.UTF_8);
        dueGids.add(gid);
        TxRecord r = load(gid).orElseThrow(() -> new IllegalStateException(
            "due entry for missing record " + gid));
        if (r.nextDueAt() == null || r.nextDueAt().toEpochMilli() != (long) sv.getScore()) {
          throw new IllegalStateException("due entry " + gid + "@" + (long) sv.getScore()
              + " for " + r);
        }
      }
      for (byte[] id : ids) {
        String gid = new String(id, StandardCharsets.UTF_8);
        TxRecord r = load(gid).orElseThrow(() -> new IllegalStateException(
            "ids entry for missing record " + gid));
        if (keys.shard(gid) != s) {
          throw new IllegalStateException(gid + " indexed in shard " + s);
        }
        if (r.nextDueAt() != null && !dueGids.contains(gid)) {
          throw new IllegalStateException("due record missing from the due index: " + r);
        }
        if (r.status().isTerminal() && link.call("check", null,
            () -> link.async.zscore(finKey, id)) == null) {
          throw new IllegalStateException("finished record missing from the fin index: " + r);
        }
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      link.connection.close();
    } finally {
      shutdown.run();
    }
  }

  private void open() {
    if (closed) {
      throw new StoreUnavailableException("the Redis store " + this + " is closed", null);
    }
  }

  private static byte[] gidBytes(String gid) {
    return gid.getBytes(StandardCharsets.UTF_8);
  }

  /** Where it is and which prefix it uses; never a credential. */
  @Override
  public String toString() {
    return "RedisStore[" + address + " prefix " + keys.prefix + ", " + keys.shards + " shards]";
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
     * opens its own connection on it and never shuts the client down. Configure it with {@code
     * DisconnectedBehavior.REJECT_COMMANDS} so that no command is replayed behind the engine's
     * back.
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
      StoreUri parsed = uri == null ? null : StoreUri.parse(uri);
      Map<String, String> options = parsed == null ? Map.of() : parsed.options();
      String prefix = keyPrefix != null ? keyPrefix
          : options.containsKey(StoreUri.KEY_PREFIX)
              ? KeyPrefix.require(options.get(StoreUri.KEY_PREFIX)) : KeyPrefix.DEFAULT;
      int n = shards != null ? shards : options.containsKey(StoreUri.SHARDS)
          ? checkedShards(StoreUri.positiveInt(StoreUri.SHARDS, options.get(StoreUri.SHARDS)))
          : DEFAULT_SHARDS;
      Duration command = commandTimeout != null ? commandTimeout
          : options.containsKey(StoreUri.COMMAND_TIMEOUT)
              ? StoreUri.duration(StoreUri.COMMAND_TIMEOUT, options.get(StoreUri.COMMAND_TIMEOUT))
              : DEFAULT_COMMAND_TIMEOUT;
      Duration connect = connectTimeout != null ? connectTimeout
          : options.containsKey(StoreUri.CONNECT_TIMEOUT)
              ? StoreUri.duration(StoreUri.CONNECT_TIMEOUT, options.get(StoreUri.CONNECT_TIMEOUT))
              : DEFAULT_CONNECT_TIMEOUT;
      return Opener.open(new Opener.Settings(parsed, client, clusterClient, resources,
          new Keys(prefix, n), command, connect));
    }

    private static int checkedShards(int n) {
      if (n > 1024) {
        throw new IllegalArgumentException("jdtm option 'jdtm.shards' must be 1 to 1024, was "
            + n);
      }
      return n;
    }
  }

  static void closeQuietly(AbstractRedisClient client) {
    try {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      log.debug("shutting down the Redis client failed", e);
    }
  }
}
