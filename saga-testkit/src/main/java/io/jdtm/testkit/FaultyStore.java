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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Wraps a store and injects faults at seeded rates: throw before executing, throw after executing
 * (the caller cannot tell whether the write happened), report a version conflict without
 * executing, and slow calls down, either on a {@link ManualClock} (the clock moves forward while
 * the call is in flight; deterministic) or in real time (for concurrency tests). One seed gives
 * one sequence of faults for one sequence of calls. {@link #heal()} stops all faults.
 * Thread-safe.
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
  private volatile Delays delays = Delays.NONE;

  /** How slow calls are: a fraction of them, up to {@code max}, on {@code clock} or real time. */
  private record Delays(double rate, Duration max, ManualClock clock) {
    static final Delays NONE = new Delays(0, Duration.ZERO, null);
  }

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

  /**
   * Delays every call by a seeded random real time below {@code max} before it runs (a real
   * sleep: for concurrency tests; keep {@code max} to a few milliseconds).
   */
  public FaultyStore delays(Duration max) {
    this.delays = new Delays(1, checkDelay(max), null);
    return this;
  }

  /**
   * Makes a fraction {@code rate} (0 to 1) of calls slow: before such a call runs, {@code clock}
   * moves forward by a seeded random whole number of milliseconds below {@code max}, and nobody
   * sleeps. Models a store call during which time passes on the simulated clock (a lease may run
   * out while it is in flight). Rate 0 stops delays.
   */
  public FaultyStore delays(double rate, Duration max, ManualClock clock) {
    this.delays = new Delays(checkRate(rate), checkDelay(max),
        Objects.requireNonNull(clock, "clock"));
    return this;
  }

  /** Stops injecting faults and delays. */
  public void heal() {
    rates(0, 0, 0);
    delays = Delays.NONE;
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

  /** Passes the call through, with the same faults as {@link #create}. */
  @Override
  public CreateResult createIn(java.sql.Connection connection, TxRecord record) {
    return write("createIn", record.gid(), () -> delegate.createIn(connection, record));
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

  /** The delegate's, but never {@link StoreCapability#NON_BLOCKING}: calls may be delayed. */
  @Override
  public Set<StoreCapability> capabilities() {
    Set<StoreCapability> c = EnumSet.noneOf(StoreCapability.class);
    c.addAll(delegate.capabilities());
    c.remove(StoreCapability.NON_BLOCKING);
    return c;
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
    Delays d = delays;
    if (d.max().isZero() || !roll(d.rate(), Fault.DELAY)) {
      return;
    }
    long nanos;
    lock.lock();
    try {
      nanos = (long) (random.nextDouble() * d.max().toNanos());
    } finally {
      lock.unlock();
    }
    if (d.clock() != null) {
      d.clock().advance(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(nanos)));
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StoreUnavailableException fault(String op, String gid, String when) {
    return new StoreUnavailableException(
        "injected fault " + when + " " + op + (gid == null ? "" : " of " + gid), null);
  }

  private static Duration checkDelay(Duration max) {
    if (max.isNegative()) {
      throw new IllegalArgumentException("a maximum delay is not negative, was " + max);
    }
    return max;
  }

  private static double checkRate(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("a fault rate is between 0 and 1, was " + rate);
    }
    return rate;
  }
}
