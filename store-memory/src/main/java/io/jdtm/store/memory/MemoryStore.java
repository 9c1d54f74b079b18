package io.jdtm.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast, non-durable {@link TransactionStore} in this JVM: everything is lost when the process
 * ends. Managers in one JVM can share one instance. Unfinished transactions live in a concurrent
 * map with a due-time index (per-key atomicity, no global lock); finished ones move to a Caffeine
 * cache bounded in size and age, after which they are forgotten (so a resubmit of a forgotten gid
 * runs again).
 *
 * <p>Thread-safe. The reference implementation of the store contract.
 */
public final class MemoryStore implements TransactionStore {
  /** Default time finished transactions are kept. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
  /** Default number of finished transactions kept. */
  public static final long DEFAULT_MAX_FINISHED = 100_000;
  /** Retirements between sweeps of stale entries from the FIFO bound, at most. */
  private static final long SWEEP_EVERY = 10_000;
  private static final Set<StoreCapability> CAPABILITIES = Set.of(StoreCapability.NON_BLOCKING);

  private final ConcurrentHashMap<String, TxRecord> active = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<DueKey> due = new ConcurrentSkipListSet<>();
  private final Cache<String, TxRecord> finished;
  /**
   * Finished records oldest first, to bound the cache in FIFO order. An entry whose record the
   * cache no longer holds (purged or expired) is stale: skipped by the bound, swept from time to
   * time.
   */
  private final ConcurrentLinkedQueue<Finished> finishedOrder = new ConcurrentLinkedQueue<>();
  /** Records in the finished cache. */
  private final AtomicLong finishedCount = new AtomicLong();
  /** Records retired since the last sweep of stale entries. */
  private final AtomicLong retiredSinceSweep = new AtomicLong();
  private final long maxFinished;
  private final long retentionNanos;
  private volatile boolean closed;

  /** A store keeping finished transactions for {@link #DEFAULT_RETENTION}. */
  public MemoryStore() {
    this(DEFAULT_RETENTION, DEFAULT_MAX_FINISHED);
  }

  /**
   * A store keeping up to {@code maxFinished} finished transactions (the oldest go first) for
   * {@code retention} (wall time).
   */
  public MemoryStore(Duration retention, long maxFinished) {
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, was " + retention);
    }
    if (maxFinished < 1) {
      throw new IllegalArgumentException("maxFinished must be at least 1, was " + maxFinished);
    }
    this.maxFinished = maxFinished;
    this.retentionNanos = saturatedNanos(retention);
    // Time-bounded by Caffeine; count-bounded here in FIFO order, because a size-bounded Caffeine
    // cache may refuse a new entry in favour of older, more used ones, and a transaction that
    // just finished must stay visible. Its upkeep runs on the writing thread: a store that never
    // blocks hands nothing to other threads.
    this.finished = Caffeine.newBuilder().expireAfterWrite(retention).executor(Runnable::run)
        .<String, TxRecord>evictionListener((gid, r, cause) -> finishedCount.decrementAndGet())
        .build();
  }

  /**
   * A finished record's entry in the FIFO bound: live while the cache holds this very record
   * (by identity: a gid purged, created and finished again may be equal to its old record).
   */
  private record Finished(String gid, TxRecord record, long finishedAt) {
    boolean isKeptIn(Cache<String, TxRecord> cache) {
      return cache.getIfPresent(gid) == record;
    }
  }

  /** Index entry: due time, then gid. */
  private record DueKey(Instant at, String gid) implements Comparable<DueKey> {
    @Override
    public int compareTo(DueKey o) {
      int byTime = at.compareTo(o.at);
      return byTime != 0 ? byTime : gid.compareTo(o.gid);
    }
  }

  @Override
  public CreateResult create(TxRecord record) {
    open();
    TxRecord[] existing = new TxRecord[1];
    active.compute(record.gid(), (gid, current) -> {
      if (current != null) {
        existing[0] = current;
        return current;
      }
      existing[0] = finished.getIfPresent(gid);
      if (existing[0] != null) {
        return null;
      }
      return place(null, record);
    });
    return existing[0] != null ? CreateResult.exists(existing[0]) : CreateResult.created(record);
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    open();
    TxRecord r = active.get(gid);
    return Optional.ofNullable(r != null ? r : finished.getIfPresent(gid));
  }

  @Override
  public boolean update(TxUpdate update) {
    open();
    boolean[] applied = new boolean[1];
    active.computeIfPresent(update.gid(), (gid, current) -> {
      if (current.version() != update.expectedVersion() || !current.accepts(update)
          || !sameIncarnation(current, update)) {
        return current;
      }
      applied[0] = true;
      return place(current, current.applying(update));
    });
    return applied[0];
  }

  /**
   * Whether {@code update}, when it names its base, was made against this record and not against
   * one purged before this one was created under the same gid (versions start again at 1).
   */
  private static boolean sameIncarnation(TxRecord current, TxUpdate update) {
    return update.base().map(b -> b.createdAt().equals(current.createdAt())).orElse(true);
  }

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    open();
    List<TxRecord> claimed = new ArrayList<>();
    for (DueKey key : due) {
      if (claimed.size() >= limit || key.at().isAfter(now)) {
        break;
      }
      TxRecord[] won = new TxRecord[1];
      active.computeIfPresent(key.gid(), (gid, current) -> {
        if (!current.isDueAt(now) || !key.at().equals(current.nextDueAt())) {
          return current; // claimed or moved by someone else meanwhile
        }
        won[0] = current.claimedBy(owner, now, lease);
        return place(current, won[0]);
      });
      if (won[0] != null) {
        claimed.add(won[0]);
      }
    }
    return claimed;
  }

  /**
   * Places the new state of a record: re-indexes its due time, and moves it to the finished cache
   * when terminal. Called inside the map's per-key atomic section. Returns the active mapping.
   */
  private TxRecord place(TxRecord before, TxRecord after) {
    if (before != null && before.nextDueAt() != null) {
      due.remove(new DueKey(before.nextDueAt(), before.gid()));
    }
    if (after.status().isTerminal()) {
      retire(after);
      return null;
    }
    if (after.nextDueAt() != null) {
      due.add(new DueKey(after.nextDueAt(), after.gid()));
    }
    return after;
  }

  private void retire(TxRecord record) {
    finished.put(record.gid(), record);
    finishedCount.incrementAndGet();
    finishedOrder.add(new Finished(record.gid(), record, System.nanoTime()));
    if (finishedCount.get() > maxFinished && mayHaveExpired()) {
      finished.cleanUp(); // counts out the records that expired
    }
    while (finishedCount.get() > maxFinished && forgetOldest()) {
      // one kept record fewer
    }
    if (retiredSinceSweep.incrementAndGet() > Math.min(maxFinished, SWEEP_EVERY)) {
      retiredSinceSweep.set(0);
      finishedOrder.removeIf(f -> !f.isKeptIn(finished));
    }
  }

  /**
   * Whether a finished record may have expired: the oldest entry of the FIFO bound (maybe a stale
   * one, which only makes this answer yes more often) is older than the retention.
   */
  private boolean mayHaveExpired() {
    Finished oldest = finishedOrder.peek();
    return oldest != null && System.nanoTime() - oldest.finishedAt() >= retentionNanos;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** Forgets the oldest finished record the cache still holds; false when it holds none. */
  private boolean forgetOldest() {
    Finished oldest;
    while ((oldest = finishedOrder.poll()) != null) {
      if (forget(oldest)) {
        return true;
      }
    }
    return false;
  }

  /** Removes the record of {@code f} unless it is stale; returns whether it did. */
  private boolean forget(Finished f) {
    boolean[] forgotten = new boolean[1];
    finished.asMap().computeIfPresent(f.gid(), (gid, r) -> {
      forgotten[0] = r == f.record();
      return forgotten[0] ? null : r;
    });
    if (forgotten[0]) {
      finishedCount.decrementAndGet();
    }
    return forgotten[0];
  }

  @Override
  public TxPage query(TxQuery query) {
    open();
    // Active first, then finished: records only ever move from active to finished, so a record
    // moving meanwhile is seen twice (the later copy wins) but never missed.
    Map<String, TxRecord> matching = new java.util.TreeMap<>();
    for (TxRecord r : active.values()) {
      if (query.matches(r)) {
        matching.put(r.gid(), r);
      }
    }
    for (TxRecord r : finished.asMap().values()) {
      if (query.matches(r)) {
        matching.merge(r.gid(), r, (a, b) -> a.version() >= b.version() ? a : b);
      }
    }
    List<TxRecord> page = matching.values().stream().limit(query.limit()).toList();
    return TxPage.of(page, query.limit());
  }

  @Override
  public int purge(Instant finishedBefore) {
    open();
    int[] removed = new int[1];
    finished.asMap().values().removeIf(r -> {
      boolean old = r.updatedAt().isBefore(finishedBefore);
      if (old) {
        removed[0]++;
      }
      return old;
    });
    finishedCount.addAndGet(-removed[0]);
    return removed[0];
  }

  /** Never blocks: every call is a few map operations in this JVM. */
  @Override
  public Set<StoreCapability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * Checks internal consistency: every due entry points at an active record with that due time,
   * every due active record has its entry, and the count of finished records is right. For
   * tests.
   *
   * @throws IllegalStateException describing the first inconsistency
   */
  public void checkIntegrity() {
    for (DueKey key : due) {
      TxRecord r = active.get(key.gid());
      if (r == null || !key.at().equals(r.nextDueAt())) {
        throw new IllegalStateException("stale due entry " + key + " for " + r);
      }
    }
    for (Map.Entry<String, TxRecord> e : active.entrySet()) {
      TxRecord r = e.getValue();
      if (r.status().isTerminal()) {
        throw new IllegalStateException("terminal record left active: " + r);
      }
      if (r.nextDueAt() != null && !due.contains(new DueKey(r.nextDueAt(), r.gid()))) {
        throw new IllegalStateException("due record missing from the index: " + r);
      }
    }
    finished.cleanUp();
    if (finishedCount.get() != finished.asMap().size()) {
      throw new IllegalStateException("finished count " + finishedCount.get() + " but "
          + finished.asMap().size() + " finished records kept");
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private void open() {
    if (closed) {
      throw new StoreUnavailableException("the memory store is closed", null);
    }
  }

  @Override
  public String toString() {
    return "MemoryStore[active=" + active.size() + ", finished=" + finished.estimatedSize() + "]";
  }
}
