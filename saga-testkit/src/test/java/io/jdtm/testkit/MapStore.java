package io.jdtm.testkit;

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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The simplest store: one sorted map under one lock. The testkit's own tests use it because
 * store-memory's tests depend on the testkit (a dependency back would be a cycle); it passes the
 * store contract ({@link MapStoreContractTest}). Thread-safe.
 */
final class MapStore implements TransactionStore {
  private static final Comparator<TxRecord> OLDEST_DUE_FIRST =
      Comparator.comparing(TxRecord::nextDueAt).thenComparing(TxRecord::gid);

  private final TreeMap<String, TxRecord> records = new TreeMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<StoreCapability> capabilities;
  private boolean closed;

  MapStore() {
    this(Set.of());
  }

  /** A store declaring {@code capabilities} (it keeps nothing across a close whatever it says). */
  MapStore(Set<StoreCapability> capabilities) {
    this.capabilities = Set.copyOf(capabilities);
  }

  @Override
  public CreateResult create(TxRecord record) {
    return locked(() -> {
      TxRecord existing = records.putIfAbsent(record.gid(), record);
      return existing == null ? CreateResult.created(record) : CreateResult.exists(existing);
    });
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    return locked(() -> Optional.ofNullable(records.get(gid)));
  }

  @Override
  public boolean update(TxUpdate update) {
    return locked(() -> {
      TxRecord current = records.get(update.gid());
      if (current == null || current.version() != update.expectedVersion()
          || !current.accepts(update) || update.base()
              .map(b -> !b.createdAt().equals(current.createdAt())).orElse(false)) {
        return false;
      }
      records.put(current.gid(), current.applying(update));
      return true;
    });
  }

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    return locked(() -> records.values().stream()
        .filter(r -> r.isDueAt(now))
        .sorted(OLDEST_DUE_FIRST)
        .limit(limit)
        .map(r -> r.claimedBy(owner, now, lease))
        .peek(r -> records.put(r.gid(), r))
        .toList());
  }

  @Override
  public TxPage query(TxQuery query) {
    return locked(() -> TxPage.of(records.values().stream()
        .filter(query::matches).limit(query.limit()).toList(), query.limit()));
  }

  @Override
  public int purge(Instant finishedBefore) {
    return locked(() -> {
      int before = records.size();
      records.values().removeIf(
          r -> r.status().isTerminal() && r.updatedAt().isBefore(finishedBefore));
      return before - records.size();
    });
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return capabilities;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  private <T> T locked(Supplier<T> work) {
    lock.lock();
    try {
      if (closed) {
        throw new StoreUnavailableException("the map store is closed", null);
      }
      return work.get();
    } finally {
      lock.unlock();
    }
  }
}
