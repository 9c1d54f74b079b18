package io.jdtm;

import io.jdtm.internal.DefaultExecutors;
import io.jdtm.internal.Engine;
import io.jdtm.internal.EngineConfig;
import io.jdtm.internal.HandlerRegistry;
import io.jdtm.internal.Names;
import io.jdtm.internal.Payloads;
import io.jdtm.internal.PreparedRecords;
import io.jdtm.internal.SagaRecords;
import io.jdtm.internal.Targets;
import io.jdtm.internal.TccSession;
import io.jdtm.internal.TxDefaults;
import io.jdtm.internal.xa.XaParticipant;
import io.jdtm.spi.BarrierTables;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import javax.sql.XADataSource;

/**
 * The embedded transaction manager: submit global transactions, and it stores each one before
 * calling any branch, drives it to a terminal status, and recovers unfinished ones (its own and
 * those of other instances sharing the store) once {@link #start() started}.
 *
 * <pre>{@code
 * try (TransactionStore store = Stores.open("memory:");
 *      TransactionManager tm = TransactionManager.builder()
 *          .store(store)
 *          .handler("debit", Transfer.class, (ctx, t) -> bank.debit(t))
 *          .handler("debitUndo", Transfer.class, (ctx, t) -> bank.credit(t))
 *          .build()) {
 *   tm.start();
 *   TxStatus s = tm.saga().step("debit", "debitUndo", new Transfer("A", 30))
 *       .submitAndWait(Duration.ofSeconds(10)).status();
 * }
 * }</pre>
 *
 * <p>Thread-safe. The store is the caller's: closing the manager does not close it.
 */
public final class TransactionManager implements AutoCloseable {
  private final Engine engine;
  private final SagaRecords sagaRecords;
  private final PreparedRecords preparedRecords;

  private TransactionManager(Engine engine, SagaRecords sagaRecords) {
    this.engine = engine;
    this.sagaRecords = sagaRecords;
    this.preparedRecords = new PreparedRecords(engine);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the background recovery loop. Without it, call {@link #runRecoveryPass()}. */
  public TransactionManager start() {
    engine.start();
    return this;
  }

  /** A new saga with a generated gid. */
  public Saga saga() {
    return new Saga(engine, sagaRecords, engine.newGid());
  }

  /**
   * A new saga with the given gid (1-128 of {@code [A-Za-z0-9_.:-]}).
   *
   * @throws InvalidTransactionException when the gid is invalid
   */
  public Saga saga(String gid) {
    return new Saga(engine, sagaRecords, Names.requireGid(gid));
  }

  /** A new TCC transaction with a generated gid; run it with {@link TccTransaction#execute}. */
  public TccTransaction tcc() {
    return new TccTransaction(engine, preparedRecords, engine.newGid());
  }

  /**
   * A new TCC transaction with the given gid.
   *
   * @throws InvalidTransactionException when the gid is invalid
   */
  public TccTransaction tcc(String gid) {
    return new TccTransaction(engine, preparedRecords, Names.requireGid(gid));
  }

  /** Runs a TCC transaction with default options; see {@link TccTransaction#execute}. */
  public String tcc(Tcc.Body body) {
    return tcc().execute(body);
  }

  /** Runs a TCC transaction under {@code gid} with default options. */
  public String tcc(String gid, Tcc.Body body) {
    return tcc(gid).execute(body);
  }

  /**
   * Lets the try handler of a TCC branch register nested branches ({@code 01-01}, ...) in the
   * same transaction, and call their tries.
   *
   * @throws InvalidTransactionException unless {@code context} is the try of a TCC branch
   */
  public Tcc joinTcc(BranchContext context) {
    return TccSession.join(engine, context);
  }

  /** A new XA transaction with a generated gid; run it with {@link XaTransaction#execute}. */
  public XaTransaction xa() {
    return new XaTransaction(engine, preparedRecords, engine.newGid());
  }

  /**
   * A new XA transaction with the given gid (at most 123 characters: an XA Xid holds the branch
   * id and the gid in 128 bytes).
   *
   * @throws InvalidTransactionException when the gid is invalid
   */
  public XaTransaction xa(String gid) {
    return new XaTransaction(engine, preparedRecords, Names.requireGid(gid));
  }

  /** Runs an XA transaction with default options; see {@link XaTransaction#execute}. */
  public String xa(Xa.Body body) {
    return xa().execute(body);
  }

  /** Runs an XA transaction under {@code gid} with default options. */
  public String xa(String gid, Xa.Body body) {
    return xa(gid).execute(body);
  }

  /**
   * Scans every registered XA resource for prepared branches of jdtm's Xid format and resolves
   * them by their stored global status (commit when decided to commit, roll back when decided to
   * roll back). {@link #start()} does this every {@link Builder#xaRecoveryInterval}; call it by
   * hand in tests or after restoring a database.
   */
  public XaRecovery recoverXa() {
    return engine.recoverXa();
  }

  /** A new 2-phase message with a generated gid. */
  public Msg msg() {
    return new Msg(engine, preparedRecords, engine.newGid());
  }

  /**
   * A new 2-phase message with the given gid.
   *
   * @throws InvalidTransactionException when the gid is invalid
   */
  public Msg msg(String gid) {
    return new Msg(engine, preparedRecords, Names.requireGid(gid));
  }

  /**
   * Waits up to {@code timeout} for the transaction to finish, whichever instance drives it. It
   * returns within the timeout whatever the store does: a store read still running then is left
   * to end on its own. The waiters of one gid share one store read, and a manager reads for
   * waiters on 8 threads at most, so a hanging store holds no more however often this is called.
   *
   * @return the status (terminal, or the last one read when time ran out), the rollback reason
   *     and the last error of a branch op that has not succeeded
   * @throws InvalidTransactionException when no transaction has this gid
   * @throws StoreUnavailableException when the store failed, or gave no status within the
   *     timeout (plus half a second)
   */
  public TxResult await(String gid, Duration timeout) {
    return engine.await(gid, Check.positive(timeout, "timeout"));
  }

  /** A snapshot of the stored transaction, if any. */
  public Optional<TransactionView> find(String gid) {
    return engine.find(gid).map(TransactionManager::view);
  }

  /**
   * Runs one recovery pass now, on the calling thread and the executor: claims due transactions
   * (up to the batch size) and drives them as far as they go now.
   *
   * @return the gids claimed in this pass
   */
  public RecoveryPass runRecoveryPass() {
    return new RecoveryPass(engine.runRecoveryPass());
  }

  /** This instance's id, the lease owner it writes into records. */
  public String instanceId() {
    return engine.config().instanceId();
  }

  /**
   * Stops recovery and new work, waits up to the shutdown timeout for transactions in flight,
   * then leaves the rest to recovery. Idempotent. Does not close the store.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Stops at once, as a crash would: transactions in flight stop at their next step without
   * recording it, and any instance recovers them after their lease.
   */
  public void halt() {
    engine.halt();
  }

  private static TransactionView view(TxRecord r) {
    return new TransactionView(r.gid(), r.mode(), r.status(), r.createdAt(), r.updatedAt(),
        r.nextDueAt(), r.reason(), r.customData(),
        r.branches().stream().map(TransactionManager::view).toList(), r.options());
  }

  private static BranchView view(BranchRecord b) {
    return new BranchView(b.branchId(), b.op(), b.target(), b.status(), b.attempts(),
        b.retryAt(), b.lastError());
  }

  /**
   * Configures a {@link TransactionManager}; each setting is checked when set, and {@link
   * #build()} checks them together. Not thread-safe.
   */
  public static final class Builder {
    private TransactionStore store;
    private final Map<String, HandlerRegistry.Registered<?>> handlers = new LinkedHashMap<>();
    private final Map<String, Barrier<?>> barriers = new LinkedHashMap<>();
    private final Map<String, XaResourceSpec> xaResources = new LinkedHashMap<>();
    private Duration xaRecoveryInterval = Duration.ofSeconds(60);
    private Duration preparedTimeout = Duration.ofSeconds(35);
    private Clock clock = Clock.systemUTC();
    private Codec codec = Codec.json();
    private Executor executor;
    private Duration retryInterval = Duration.ofSeconds(10);
    private Duration maxRetryInterval = Duration.ofMinutes(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxPayloadBytes = 64 * 1024;
    private Duration lease = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofSeconds(1);
    private int recoveryBatchSize = 64;
    private int maxInFlight = 1024;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private String instanceId;
    private TransactionListener listener = new TransactionListener() {};
    private RandomGenerator random;
    private Predicate<URI> allowHttp = uri -> true;

    private Builder() {}

    /** The store (required). The caller keeps ownership and closes it. */
    public Builder store(TransactionStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Registers a Java handler under {@code name}, addressed by the target {@code NAME} or
     * {@code handler:NAME}. Every instance that may recover a transaction must register the
     * handlers it uses.
     *
     * @throws IllegalArgumentException when the name is invalid or already registered
     */
    public <T> Builder handler(String name, Class<T> payloadType, BranchHandler<T> handler) {
      Names.requireHandlerName(name);
      Objects.requireNonNull(payloadType, "payloadType");
      Objects.requireNonNull(handler, "handler");
      if (handlers.containsKey(name)) {
        throw new IllegalArgumentException("a handler named '" + name + "' is registered already");
      }
      handlers.put(name, new HandlerRegistry.Registered<>(name, payloadType, handler));
      return this;
    }

    /**
     * The clock for every timestamp, due time and timeout (default: system UTC); read to the
     * millisecond.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Registers a barrier under {@code name}, so that 2-phase messages whose local transaction
     * runs under it ({@link Msg#doAndSubmit}) can be checked back by any instance.
     *
     * @throws IllegalArgumentException when the name is invalid or already registered
     */
    public Builder barrier(String name, Barrier<?> barrier) {
      Names.requireHandlerName(name);
      Objects.requireNonNull(barrier, "barrier");
      if (barriers.containsKey(name)) {
        throw new IllegalArgumentException("a barrier named '" + name + "' is registered already");
      }
      barriers.put(name, barrier);
      return this;
    }

    /**
     * Registers an XA resource under {@code name}: XA branches run on it ({@link Xa#branch}), and
     * any instance that registers it under the same name commits, rolls back and recovers them.
     * Its barrier table ({@code jdtm_barrier}) is created in that database if missing.
     *
     * @throws IllegalArgumentException when the name is invalid or already registered
     */
    public Builder xaResource(String name, XADataSource dataSource) {
      return xaResource(name, dataSource, BarrierTables.DEFAULT_PREFIX);
    }

    /**
     * As {@link #xaResource(String, XADataSource)}, with the barrier table named {@code
     * <tablePrefix>barrier} (the same prefix as a {@code JdbcBarrier} on that database shares
     * one table).
     *
     * @throws IllegalArgumentException when the name or prefix is invalid, or the name is
     *     already registered
     */
    public Builder xaResource(String name, XADataSource dataSource, String tablePrefix) {
      Names.requireHandlerName(name);
      Objects.requireNonNull(dataSource, "dataSource");
      BarrierTables.requirePrefix(tablePrefix);
      if (xaResources.containsKey(name)) {
        throw new IllegalArgumentException("an XA resource named '" + name
            + "' is registered already");
      }
      xaResources.put(name, new XaResourceSpec(dataSource, tablePrefix));
      return this;
    }

    /**
     * How often {@link TransactionManager#start() started} recovery scans the registered XA resources for in-doubt
     * branches (default 60 s; the first scan runs at start).
     */
    public Builder xaRecoveryInterval(Duration interval) {
      this.xaRecoveryInterval = Check.between(interval, Check.ONE_DAY, "xaRecoveryInterval");
      return this;
    }

    /**
     * How long a TCC transaction or 2-phase message may stay PREPARED before recovery aborts it
     * (TCC) or checks it back (message), unless it sets its own timeoutToFail (default 35 s, as
     * DTM).
     */
    public Builder preparedTimeout(Duration timeout) {
      this.preparedTimeout = Check.between(timeout, Check.TEN_YEARS, "preparedTimeout");
      return this;
    }

    /** The payload codec (default: {@link Codec#json()}). */
    public Builder codec(Codec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Where transactions are driven and concurrent branch calls run. Default: virtual threads on
     * JDK 21+, a bounded pool on JDK 17. {@code Runnable::run} makes submit and recovery passes
     * run on the calling thread (handy in tests). The caller owns an executor it passes.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Default base retry interval (default 10 s; 1 ms to 1 day). */
    public Builder retryInterval(Duration interval) {
      this.retryInterval = Check.between(interval, Check.ONE_DAY, "retryInterval");
      return this;
    }

    /** Cap on the backoff between retries (default 10 min; at most 7 days). */
    public Builder maxRetryInterval(Duration interval) {
      this.maxRetryInterval = Check.between(interval, Check.ONE_DAY.multipliedBy(7), "maxRetryInterval");
      return this;
    }

    /** Default per-call timeout (default 10 s; at most 1 day). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Check.between(timeout, Check.ONE_DAY, "requestTimeout");
      return this;
    }

    /** Largest encoded payload accepted at submit (default 64 KiB, at most 16 MiB). */
    public Builder maxPayloadBytes(int bytes) {
      Check.atLeast(bytes, 1, "maxPayloadBytes");
      if (bytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("maxPayloadBytes must be at most 16 MiB, was " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /**
     * How long this instance holds a transaction it works on before others may take it over
     * (default 30 s, at most 1 day); at least twice the request timeout. Renewed with every write, and before a
     * call that might outlast it.
     */
    public Builder lease(Duration lease) {
      this.lease = Check.between(lease, Check.ONE_DAY, "lease");
      return this;
    }

    /** How often recovery looks for due transactions, jittered +-20% (default 1 s; 1 ms to 1 h). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Check.between(interval, Check.ONE_HOUR, "pollInterval");
      return this;
    }

    /** Most transactions claimed per recovery pass (default 64). */
    public Builder recoveryBatchSize(int size) {
      this.recoveryBatchSize = Check.atLeast(size, 1, "recoveryBatchSize");
      return this;
    }

    /** Recovery claims nothing while this many transactions are in flight (default 1024). */
    public Builder maxInFlight(int max) {
      this.maxInFlight = Check.atLeast(max, 1, "maxInFlight");
      return this;
    }

    /** How long {@link #close()} waits for transactions in flight (default 10 s; at most 1 day). */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Check.between(timeout, Duration.ZERO, Check.ONE_DAY,
          "shutdownTimeout");
      return this;
    }

    /** This instance's id in leases (default: host, pid and a random suffix). */
    public Builder instanceId(String id) {
      this.instanceId = Names.requireInstanceId(id);
      return this;
    }

    /**
     * Which HTTP targets this manager may call (default: all). Checked at submit, and again before
     * each call of a stored target (a target no longer allowed fails like a refusal).
     */
    public Builder allowHttpTargets(Predicate<URI> allow) {
      this.allowHttp = Objects.requireNonNull(allow, "allow");
      return this;
    }

    /** Observer of status changes and branch calls. */
    public Builder listener(TransactionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Source of jitter (default: thread-local random); seed it for reproducible tests. Calls to it
     * are serialized, so a generator that is not thread-safe is fine.
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the manager; call {@link TransactionManager#start()} to start recovery.
     *
     * @throws IllegalStateException when the settings do not fit together
     */
    public TransactionManager build() {
      if (store == null) {
        throw new IllegalStateException("a store is required: builder().store(Stores.open(uri))");
      }
      if (maxRetryInterval.compareTo(retryInterval) < 0) {
        throw new IllegalStateException("maxRetryInterval " + maxRetryInterval
            + " must not be shorter than retryInterval " + retryInterval);
      }
      if (lease.compareTo(requestTimeout.multipliedBy(2)) < 0) {
        throw new IllegalStateException("lease " + lease + " must be at least twice the request "
            + "timeout " + requestTimeout + ", so a call always ends within the lease");
      }
      String id = instanceId != null ? instanceId : InstanceIds.generate();
      ExecutorService owned = executor == null ? DefaultExecutors.branchExecutor(id) : null;
      Map<String, XaParticipant> xa = new LinkedHashMap<>();
      xaResources.forEach((name, spec) -> xa.put(name,
          new XaParticipant(name, spec.dataSource(), spec.tablePrefix(), requestTimeout)));
      HandlerRegistry registry = new HandlerRegistry(handlers, barriers, xa);
      Targets targets = new Targets(allowHttp);
      TxDefaults defaults = new TxDefaults(retryInterval, maxRetryInterval, requestTimeout,
          maxPayloadBytes, preparedTimeout);
      Payloads payloads = new Payloads(codec, registry, maxPayloadBytes);
      // Millisecond ticks: every store keeps instants to the millisecond, so what the engine
      // computes and what it reads back agree exactly.
      Clock millis = Clock.tick(clock, Duration.ofMillis(1));
      EngineConfig config = new EngineConfig(store, millis, codec, registry, targets, payloads,
          owned != null ? owned : executor, owned, defaults, lease, pollInterval,
          recoveryBatchSize, maxInFlight, shutdownTimeout, id, listener, jitter(random),
          xaRecoveryInterval);
      return new TransactionManager(new Engine(config),
          new SagaRecords(payloads, targets));
    }

    private record XaResourceSpec(XADataSource dataSource, String tablePrefix) {}

    private static DoubleSupplier jitter(RandomGenerator random) {
      if (random == null) {
        return () -> ThreadLocalRandom.current().nextDouble();
      }
      ReentrantLock lock = new ReentrantLock();
      return () -> {
        lock.lock();
        try {
          return random.nextDouble();
        } finally {
          lock.unlock();
        }
      };
    }
  }
}
