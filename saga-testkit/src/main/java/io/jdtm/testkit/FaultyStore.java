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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Wraps a store and injects faults at seeded rates: throw before executing, throw after executing
 * (the caller cannot tell whether the write happened), report a version conflict without
 * executing, and optionally delay calls (real time, for concurrency tests). {@link #heal()} stops
 * all faults. Thread-safe.
 */
public final class FaultyStore implements TransactionStore {
  /** A kind of injected fault. */
  public enum Fault {
    THROW_BEFORE,
    THROW_AFTER,
    CONFLICT,
    DELAY
  }

  private final TransactionStore delegate;
  private final Random random;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Fault, Long> injected = new EnumMap<>(Fault.class);
  private volatile double throwBefore;
  private volatile double throwAfter;
  private volatile double conflict;
  private volatile Duration maxDelay = Duration.ZERO;

  public FaultyStore(TransactionStore delegate, long seed) {
    this.delegate = delegate;
    this.random = new Random(seed);
  }

  /** Sets the rates (0 to 1) of each fault per call. */
  public FaultyStore rates(double throwBefore, double throwAfter, double conflict) {
    this.throwBefore = checkRate(throwBefore);
    this.throwAfter = checkRate(throwAfter);
    this.conflict = checkRate(conflict);
    return this;
  }

  /** Delays each call by a random real time up to {@code max}. */
  public FaultyStore delays(Duration max) {
    this.maxDelay = max;
    return this;
  }

  /** Stops injecting faults. */
  public void heal() {
    rates(0, 0, 0);
    maxDelay = Duration.ZERO;
  }

  /** How many faults of a kind were injected. */
  public long injected(Fault fault) {
    lock.lock();
    try {
      return injected.getOrDefault(fault, 0L);
    } finally {
      lock.unlock();
    }
  }

  public TransactionStore delegate() {
    return delegate;
  }

  @Override
  public CreateResult create(TxRecord record) {
    return write("create", record.gid(), () -> delegate.create(record));
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    return read("load", gid, () -> delegate.load(gid));
  }

  @Override
  public boolean update(TxUpdate update) {
    if (roll(conflict, Fault.CONFLICT)) {
      return false;
    }
    return write("update", update.gid(), () -> delegate.update(update));
  }

  @Override
  public List<Boolean> apply(List<TxUpdate> updates) {
    List<Boolean> results = new ArrayList<>();
    for (TxUpdate u : updates) {
      results.add(update(u));
    }
    return results;
  }

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    return write("claimDue", null, () -> delegate.claimDue(now, owner, lease, limit));
  }

  @Override
  public TxPage query(TxQuery query) {
    return read("query", null, () -> delegate.query(query));
  }

  @Override
  public int purge(Instant finishedBefore) {
    return write("purge", null, () -> delegate.purge(finishedBefore));
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private <T> T read(String op, String gid, Supplier<T> call) {
    delay();
    if (roll(throwBefore, Fault.THROW_BEFORE)) {
      throw fault(op, gid, "before");
    }
    return call.get();
  }

  private <T> T write(String op, String gid, Supplier<T> call) {
    T result = read(op, gid, call);
    if (roll(throwAfter, Fault.THROW_AFTER)) {
      throw fault(op, gid, "after");
    }
    return result;
  }

  private boolean roll(double rate, Fault fault) {
    if (rate <= 0) {
      return false;
    }
    lock.lock();
    try {
      boolean hit = random.nextDouble() < rate;
      if (hit) {
        injected.merge(fault, 1L, Long::sum);
      }
      return hit;
    } finally {
      lock.unlock();
    }
  }

  private void delay() {
    Duration max = maxDelay;
    if (max.isZero()) {
      return;
    }
    long millis;
    lock.lock();
    try {
      millis = (long) (random.nextDouble() * max.toMillis());
      injected.merge(Fault.DELAY, 1L, Long::sum);
    } finally {
      lock.unlock();
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StoreUnavailableException fault(String op, String gid, String when) {
    return new StoreUnavailableException(
        "injected fault " + when + " " + op + (gid == null ? "" : " of " + gid), null);
  }

  private static double checkRate(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("a fault rate is between 0 and 1, was " + rate);
    }
    return rate;
  }
}
