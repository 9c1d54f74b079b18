package io.jdtm.internal;

import io.jdtm.DuplicateTransactionException;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TxResult;
import io.jdtm.TxStatus;
import io.jdtm.XaRecovery;
import io.jdtm.internal.xa.XaParticipant;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The engine behind a {@code TransactionManager}: stores submitted transactions, drives them on
 * the executor, recovers due ones, and answers waits. Thread-safe.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = Logs.get(Engine.class);
  /** Most submitAndWait calls storing and starting their transaction on spare threads at once. */
  static final int SPARE_THREADS = 16;
  /**
   * Time a round driven inline by submitAndWait may take beyond the request timeout of its call
   * (its store writes, on a store that never blocks).
   */
  static final long INLINE_GRACE_NANOS = 250_000_000L;

  private final EngineConfig config;
  private final GidGenerator gids;
  private final Completions completions = new Completions();
  private final Waits waits;
  private final InFlight inFlight = new InFlight();
  /** No new work is accepted. */
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Transactions in flight stop at their next step. */
  private final AtomicBoolean halted = new AtomicBoolean();
  private final TxRunner runner;
  private final RecoveryLoop recovery;
  private final BranchInvoker invoker;
  private final XaInDoubt xaInDoubt;
  private final Events events;
  private final BrokenRecords broken = new BrokenRecords();
  /** Interrupts branch calls made on a driving thread at their request timeout. */
  private final Watchdog watchdog;
  /** Payload objects of the transactions this instance submitted and drives now. */
  private final LocalPayloads locals = new LocalPayloads();
  /** The store never blocks ({@link StoreCapability#NON_BLOCKING}). */
  private final boolean storeNeverBlocks;
  /**
   * Where a submitAndWait stores and starts its transaction when the executor refuses the task or
   * would run it on the caller.
   */
  private final ExecutorService spares;
  /** Where branch calls the executor has not started in time go (see BranchInvoker). */
  private final ExecutorService overflow;
  /** Gids this instance is driving now. */
  private final Reservations driving = new Reservations();
  /** TCC sessions joined from inside a try, per try invocation (see TccSession#join). */
  private final Map<io.jdtm.BranchContext, TccSession> tccJoins =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  public Engine(EngineConfig config) {
    this.config = config;
    this.gids = new GidGenerator(config.clock());
    Retries retries = new Retries(
        new Backoff(config.defaults().maxRetryInterval(), config.random()));
    Map<Mode, ModeLogic> logics = Map.of(Mode.SAGA, new SagaLogic(retries),
        Mode.TCC, PhaseTwoLogic.tcc(retries), Mode.MSG, new MsgLogic(retries),
        Mode.XA, PhaseTwoLogic.xa(retries));
    this.overflow = DefaultExecutors.overflow("jdtm-" + config.instanceId() + "-overflow-");
    this.watchdog = new Watchdog("jdtm-" + config.instanceId() + "-watchdog");
    this.storeNeverBlocks =
        config.store().capabilities().contains(StoreCapability.NON_BLOCKING);
    this.invoker = new BranchInvoker(config.handlers(), config.codec(),
        new HttpInvoker(config.codec().mediaType()), config.clock(), config.executor(),
        overflow, config.targets(), watchdog, locals);
    this.events = new Events(config.listener());
    this.runner = new TxRunner(config.store(), config.clock(), config.lease(), logics, invoker,
        events, completions, halted::get);
    this.recovery = new RecoveryLoop(config.instanceId(), config.pollInterval(), config.random(),
        config.recoveryBatchSize(), config.maxInFlight(),
        () -> config.maxInFlight() - inFlight.count(), this::claimDue, this::driveClaimed, this::handBack);
    this.xaInDoubt = new XaInDoubt(config.handlers().xaResources(), config.store()::load,
        config.clock(), config.xaRecoveryInterval(), config.instanceId(), config.lease());
    this.spares = DefaultExecutors.spare("jdtm-" + config.instanceId() + "-submit-",
        SPARE_THREADS);
    this.waits = new Waits(config.store(), completions, config.pollInterval(),
        config.instanceId());
  }

  public EngineConfig config() {
    return config;
  }

  public String newGid() {
    return gids.next();
  }

  public Instant now() {
    return config.clock().instant();
  }

  /**
   * Stores {@code record} and starts driving it. Idempotent for identical content.
   *
   * @throws DuplicateTransactionException when the gid exists with different content
   * @throws StoreUnavailableException when the store failed: the record may or may not be stored,
   *     and submitting the same content again is safe
   */
  public String submit(TxRecord record) {
    return submit(record, Duration.ZERO);
  }

  /**
   * As {@link #submit(TxRecord)}; while this instance drives the transaction, a handler of
   * branch {@code 01}, {@code 02}, ... whose payload type is exactly the class of {@code
   * payloads[0]}, {@code payloads[1]}, ... receives that object rather than a decoded copy.
   *
   * @param payloads the objects the branches' payloads were encoded from, in branch order, or
   *     {@code null}
   */
  public String submit(TxRecord record, Object[] payloads) {
    return submit(record, Duration.ZERO, stored -> {}, payloads);
  }

  /**
   * As {@link #submit(TxRecord)}, but drives the transaction on the calling thread for up to
   * {@code inlineFor} (for a caller about to wait for the outcome anyway: no thread hand-offs),
   * then hands what is left to the executor, as it does when the caller is interrupted. The
   * budget is checked between rounds, so a round started inside it (its branch calls, up to the
   * request timeout, and its store writes) may end after it.
   */
  public String submit(TxRecord record, Duration inlineFor) {
    return submit(record, inlineFor, stored -> {}, null);
  }

  /**
   * As {@link #submit(TxRecord, Duration)}; tells {@code onStored} once the record is stored, and
   * keeps {@code payloads} as {@link #submit(TxRecord, Object[])} does.
   */
  private String submit(TxRecord record, Duration inlineFor, Consumer<TxRecord> onStored,
      Object[] payloads) {
    requireOpen();
    // Reserve the gid here first, so two submits of one transaction never both drive it.
    boolean reserved = driving.reserve(record.gid());
    if (reserved && payloads != null) {
      locals.keep(record.gid(), payloads); // dropped when this instance lets go of the gid
    }
    CreateResult result;
    try {
      result = config.store().create(record);
    } catch (RuntimeException e) {
      release(record.gid(), reserved);
      throw e instanceof StoreUnavailableException sue ? sue : new StoreUnavailableException(
          "the store failed while creating the transaction; submitting it again is safe",
          record.gid(), e);
    }
    if (!result.created()) {
      Optional<String> difference = result.record().definitionDifference(record);
      if (difference.isPresent()) {
        release(record.gid(), reserved);
        throw new DuplicateTransactionException(record.gid(), difference.get());
      }
      onStored.accept(result.record());
      TxRecord existing = result.record();
      if (reserved && isUnstarted(existing)) {
        // An earlier submit stored it but failed before starting it: start it now rather than
        // leaving it for recovery after the lease.
        log.debug("gid={}: submitted again; starting what the first submit stored", record.gid());
        dispatch(existing);
      } else if (!reserved && isUnstarted(existing) && driving.reserveOrHandOver(existing)) {
        // The submit that stored it let go of the gid without starting it (its create failed
        // after writing): start it now, if it is still unstarted (the record was read before the
        // gid was taken). While that submit holds the gid, it gets the record.
        log.debug("gid={}: submitted again; starting what another submit stored", record.gid());
        dispatchIfUnstarted(existing);
      } else {
        release(record.gid(), reserved);
        log.debug("gid={}: submitted again with identical content; nothing to do",
            record.gid());
      }
      return record.gid();
    }
    onStored.accept(result.record());
    if (!reserved && !driving.reserveOrHandOver(result.record())) {
      // Another submit of this gid holds the reservation: it starts the record when it lets go,
      // also when its own create failed.
      return record.gid();
    }
    log.debug("gid={} mode={}: stored with {} branch ops", record.gid(),
        record.mode().wireName(), record.branches().size());
    if (inlineFor.compareTo(Duration.ZERO) > 0) {
      inFlight.enter();
      driving.hold(result.record());
      driveInline(result.record(), System.nanoTime() + saturatedNanos(inlineFor));
    } else {
      dispatch(result.record());
    }
    return record.gid();
  }

  /**
   * Stores a new PREPARED record (TCC, message).
   *
   * @return the record as stored: the new one, or the existing one with its gid
   * @throws StoreUnavailableException when the store failed
   */
  public CreateResult create(TxRecord record) {
    requireOpen();
    try {
      return config.store().create(record);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(
          "the store failed while creating the transaction", record.gid(), e);
    }
  }

  /**
   * Fails unless the store can write inside a caller's transaction ({@link
   * StoreCapability#CALLER_TRANSACTION}); called before anything touches the caller's connection.
   *
   * @throws UnsupportedOperationException naming the store when it cannot
   */
  public void requireCallerTransactions() {
    requireOpen();
    if (!config.store().capabilities().contains(StoreCapability.CALLER_TRANSACTION)) {
      throw new UnsupportedOperationException("the store " + config.store() + " cannot write a "
          + "message inside the caller's transaction (only a JDBC store on the database of that "
          + "transaction can); use submit() or doAndSubmit(barrier, work) with this store");
    }
  }

  /**
   * Stores the new {@code record} inside the caller's open transaction on {@code connection}; it
   * becomes visible (to recovery too) when the caller commits. Nothing is driven here: after the
   * commit, {@link #startCommitted} or recovery does.
   *
   * @throws UnsupportedOperationException when the store cannot write in a caller's transaction
   * @throws IllegalStateException when the connection is in auto-commit mode (nothing written)
   * @throws IllegalArgumentException when the connection does not reach the store's tables
   * @throws DuplicateTransactionException when a record with the gid exists
   * @throws StoreUnavailableException when the database failed
   */
  public void createIn(Connection connection, TxRecord record) {
    requireCallerTransactions();
    boolean autoCommit;
    try {
      autoCommit = connection.getAutoCommit();
    } catch (SQLException e) {
      throw new StoreUnavailableException("the caller's connection failed", record.gid(), e);
    }
    if (autoCommit) {
      throw new IllegalStateException("the connection is in auto-commit mode: a message written "
          + "inside the caller's transaction needs one open (setAutoCommit(false)); the caller "
          + "commits or rolls it back");
    }
    CreateResult result;
    try {
      result = config.store().createIn(connection, record);
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException
        | io.jdtm.JdtmException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("the store failed while writing the message in the "
          + "caller's transaction", record.gid(), e);
    }
    if (!result.created()) {
      throw new DuplicateTransactionException(record.gid(), result.record()
          .definitionDifference(record).orElse("a message with this gid is already stored: its "
              + "local transaction committed before"));
    }
    log.debug("gid={} mode={}: written in the caller's transaction", record.gid(),
        record.mode().wireName());
  }

  /**
   * Drives {@code record}, which this instance stored with {@link #createIn} and whose
   * transaction has just committed, as a fresh submit would: at once, on the executor. The record
   * is leased to this instance, so no other instance takes it before the lease ends; if this
   * instance dies first, any instance recovers it then. Does nothing once the manager is closed
   * (recovery delivers it).
   */
  public void startCommitted(TxRecord record) {
    if (closed.get()) {
      return;
    }
    if (driving.reserveOrHandOver(record)) {
      dispatch(record);
    }
  }

  /**
   * Starts a SUBMITTED record of {@code mode} that was stored due at once and never driven
   * (version 1; as {@link #createIn} stores one for a caller that commits itself): claims it with
   * one compare-and-set that moves its due time a lease ahead, then drives it. Whoever wins that
   * compare-and-set (this call or a recovery claim) drives it.
   *
   * @return whether this call claimed and started it
   * @throws InvalidTransactionException when no transaction has the gid (the caller's transaction
   *     not committed yet) or it is of another mode
   * @throws StoreUnavailableException when the store failed; recovery delivers it anyway
   */
  public boolean startStored(String gid, Mode mode) {
    requireOpen();
    TxRecord current = load(gid);
    if (current.mode() != mode) {
      throw new InvalidTransactionException(
          "not a " + mode.wireName() + " transaction but a " + current.mode().wireName(), gid);
    }
    Instant now = now();
    if (current.status() != TxStatus.SUBMITTED || current.version() != 1
        || !current.isDueAt(now)) {
      return false;
    }
    TxUpdate claim = TxUpdate.against(current).updatedAt(now)
        .nextDueAt(now.plus(config.lease())).build();
    if (!write(claim)) {
      return false;
    }
    TxRecord claimed = current.applying(claim);
    if (driving.reserveOrHandOver(claimed)) {
      dispatch(claimed);
    }
    return true;
  }

  /** One compare-and-set write; store failures surface as StoreUnavailableException. */
  boolean write(TxUpdate u) {
    try {
      return config.store().update(u);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("the store failed while writing", u.gid(), e);
    }
  }

  /** The stored record; failing clearly when it is gone. */
  TxRecord load(String gid) {
    return find(gid).orElseThrow(
        () -> new InvalidTransactionException("no transaction with this gid", gid));
  }

  /** This manager's TCC sessions joined from inside a try. */
  Map<io.jdtm.BranchContext, TccSession> tccJoins() {
    return tccJoins;
  }

  /** Starts a branch call outside the drive loop (a TCC try). */
  PendingCall startCall(TxRecord tx, BranchRecord branch) {
    return invoker.start(tx, branch);
  }

  /** Tells the listener about a call made outside the drive loop. */
  void reportCall(TxRecord tx, Call call) {
    events.calls(tx, java.util.List.of(call), java.util.List.of(), now());
  }

  /**
   * Moves a PREPARED transaction of {@code mode} to {@code to} (SUBMITTED or ABORTING) and drives
   * it. Retries the compare-and-set as long as the record stays PREPARED. A TCC with a try that
   * did not succeed is never submitted: it is aborted instead.
   *
   * @return the status it is in afterwards: {@code to}, ABORTING for a TCC whose try failed, or
   *     the status someone else moved it to
   * @throws InvalidTransactionException when the transaction is of another mode
   * @throws StoreUnavailableException when the store failed and the write did not land
   */
  public TxStatus resolvePrepared(String gid, Mode mode, TxStatus to, String reason) {
    return resolve(gid, mode, to, reason).status();
  }

  /**
   * The outcome of {@link #resolve}: the status the transaction is in afterwards, and whether
   * this call moved it there (and drives it now) or found it decided by someone else.
   */
  public record Resolution(TxStatus status, boolean byThisCall) {}

  /** {@link #resolvePrepared}, telling also whether this call made the decision. */
  public Resolution resolve(String gid, Mode mode, TxStatus to, String reason) {
    requireOpen();
    while (true) {
      TxRecord current = load(gid);
      if (current.mode() != mode) {
        throw new InvalidTransactionException(
            "not a " + mode.wireName() + " transaction but a " + current.mode().wireName(), gid);
      }
      if (current.status() != TxStatus.PREPARED) {
        return new Resolution(current.status(), false);
      }
      TxStatus target = to;
      String why = reason;
      String failedInline = PhaseTwoLogic.failedInline(current);
      if (to == TxStatus.SUBMITTED && failedInline != null) {
        target = TxStatus.ABORTING;
        why = (mode == Mode.XA ? "an XA branch" : "a try") + " did not succeed: " + failedInline;
      }
      Instant now = now();
      TxUpdate u = TxUpdate.against(current).status(target).reason(why)
          .updatedAt(now).nextDueAt(now.plus(config.lease())).build();
      if (writeOrLanded(current, u)) {
        TxRecord written = current.applying(u);
        events.status(written, TxStatus.PREPARED, target, why, now);
        dispatch(written);
        return new Resolution(target, true);
      }
    }
  }

  /** Writes {@code u}; after a store failure, true if the write landed anyway. */
  boolean writeOrLanded(TxRecord current, TxUpdate u) {
    try {
      return write(u);
    } catch (StoreUnavailableException e) {
      if (Landed.check(config.store(), current, u)) {
        return true;
      }
      throw e;
    }
  }

  /** Stored by this instance and never written since. */
  private boolean isUnstarted(TxRecord r) {
    return r.version() == 1 && r.status() == TxStatus.SUBMITTED
        && config.instanceId().equals(r.leaseOwner());
  }

  private void release(String gid, boolean reserved) {
    if (reserved) {
      release(gid);
    }
  }

  /** Lets go of {@code gid}, driving a record another submit stored meanwhile, if any. */
  private void release(String gid) {
    TxRecord handedOver = driving.release(gid);
    if (handedOver == null) {
      locals.drop(gid);
      return;
    }
    if (handedOver.version() == 1) {
      dispatchIfUnstarted(handedOver); // a submit's copy, maybe read long before
    } else {
      dispatch(handedOver); // a recovery claim: written by this instance just now
    }
  }

  /**
   * Drives the transaction of {@code read}, whose gid the caller holds, if the store still has it
   * unstarted: {@code read} may have been read before an earlier driver took the transaction
   * further (even to its end) and let go, and driving that stale copy would call its first branch
   * again. Otherwise lets go of the gid.
   */
  private void dispatchIfUnstarted(TxRecord read) {
    Optional<TxRecord> current;
    try {
      current = config.store().load(read.gid());
    } catch (RuntimeException e) {
      log.debug("gid={}: not started now, the store failed; recovery will: {}", read.gid(),
          e.toString());
      release(read.gid());
      return;
    }
    if (current.isPresent() && isUnstarted(current.get())) {
      dispatch(current.get());
    } else {
      release(read.gid());
    }
  }

  /**
   * Drives {@code record} on the executor.
   *
   * @return false when the executor refused it (recovery resumes it)
   */
  boolean dispatch(TxRecord record) {
    inFlight.enter();
    driving.hold(record);
    return execute(record);
  }

  /**
   * Drives {@code record}, already reserved and counted in flight, on the executor.
   *
   * @return false when the executor refused it (or failed with an Error, which is rethrown after
   *     the gid is let go and the count restored)
   */
  private boolean execute(TxRecord record) {
    try {
      config.executor().execute(() -> driveSafely(record));
      return true;
    } catch (Throwable e) {
      exited();
      release(record.gid());
      Throwables.rethrowIfFatal(e);
      log.warn("gid={}: executor refused the transaction; recovery will resume it: {}",
          record.gid(), e.toString());
      return false;
    }
  }

  /**
   * Drives {@code record}, already reserved and counted in flight, on this thread until the
   * deadline ({@link System#nanoTime()}), then keeps the reservation and goes on on the executor.
   */
  private void driveInline(TxRecord record, long deadline) {
    TxRecord rest = null;
    try {
      rest = runner.drive(record, () -> System.nanoTime() - deadline > 0, true);
    } catch (Throwable e) {
      Throwables.rethrowIfFatal(e);
      broken.report(record.gid(), e);
    } finally {
      if (rest == null) {
        release(record.gid());
        exited();
      }
    }
    if (rest != null) {
      execute(rest); // also when the caller was interrupted: its interrupt is not the saga's
    }
  }

  private void driveSafely(TxRecord record) {
    try {
      runner.drive(record);
    } catch (Throwable e) {
      Throwables.rethrowIfFatal(e);
      broken.report(record.gid(), e);
    } finally {
      release(record.gid());
      exited();
    }
  }

  /** One transaction stopped being driven here: room for recovery to claim another. */
  private void exited() {
    inFlight.exit();
    recovery.roomFreed();
  }

  /**
   * Claims due transactions, returning those this instance is to drive now. One it is still
   * driving (a write of it waited on the store past its lease) is not driven a second time: the
   * claimed record is handed to its driver, which goes on with it as soon as it lets go (its
   * write, overtaken by the claim, is rejected). Without a way to tell the store which records to
   * skip, the claim itself cannot be avoided.
   */
  private List<TxRecord> claim(int limit) {
    return claimDue(limit).stream().filter(driving::reserveOrHandOver).toList();
  }

  /** Claims up to {@code limit} (at most a recovery batch) due transactions from the store. */
  private List<TxRecord> claimDue(int limit) {
    return config.store().claimDue(now(), config.instanceId(), config.lease(),
        Math.min(limit, config.recoveryBatchSize()));
  }

  /** Drives a record the recovery loop claimed, unless a driver of this instance is on it. */
  private boolean driveClaimed(TxRecord claimed) {
    if (!driving.reserveOrHandOver(claimed) || dispatch(claimed)) {
      return true;
    }
    handBack(List.of(claimed));
    return false;
  }

  /**
   * Makes claimed records that will not be driven here due again at once (a compare-and-set on
   * the claim's version), so that any instance can take them instead of waiting out the lease.
   */
  private void handBack(List<TxRecord> claimed) {
    Instant now = now();
    for (TxRecord r : claimed) {
      try {
        write(TxUpdate.against(r).updatedAt(now).nextDueAt(now).build());
      } catch (RuntimeException e) {
        log.debug("gid={}: not handed back, the store failed; its lease runs out instead: {}",
            r.gid(), e.toString());
      }
    }
  }

  /**
   * Claims due transactions and drives them, returning when they are driven as far as they go
   * now.
   *
   * @return the gids claimed and driven, in claim order (not those handed to a driver of this
   *     instance still on them)
   */
  public List<String> runRecoveryPass() {
    requireOpen();
    List<TxRecord> claimed = claim(config.recoveryBatchSize());
    ParallelCalls.map(claimed, r -> {
      inFlight.enter();
      driving.hold(r);
      driveSafely(r);
      return r;
    }, config.executor());
    return claimed.stream().map(TxRecord::gid).toList();
  }

  /** The stored record, if any. */
  public Optional<TxRecord> find(String gid) {
    Names.requireGid(gid);
    return config.store().load(gid);
  }

  /**
   * Waits up to {@code timeout} for {@code gid} to finish; never waits on the store past it.
   *
   * @return the terminal result, or the last one read when time ran out
   * @throws InvalidTransactionException when no transaction has this gid
   * @throws StoreUnavailableException when the store gave no status within the timeout (plus
   *     {@link Waits#GRACE_NANOS})
   */
  public TxResult await(String gid, Duration timeout) {
    Names.requireGid(gid);
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    try (Waits.Waiter waiter = waits.watch(gid)) {
      return waiter.await(deadline, null);
    }
  }

  /**
   * Submits {@code record} and waits up to {@code timeout} for it to finish. A worker of the
   * executor stores it and drives it for up to the timeout (as {@link #submit(TxRecord,
   * Duration)}), so that the caller never waits on the store past its deadline. When the executor
   * refuses that task, or runs it on the calling thread (a caller-runs executor, or the JDK 17
   * default pool when saturated), a spare thread of this instance (at most {@value
   * #SPARE_THREADS} at once) runs it instead; only when those are all busy too does the caller
   * run it, and then it may wait on the store past the timeout. A task the executor queues starts
   * only when a worker is free: called from a handler on a bounded executor whose workers are all
   * busy, this waits the whole timeout and throws StoreUnavailableException.
   *
   * @return the terminal result, or the last one known when time ran out
   * @throws StoreUnavailableException when the store failed, or did not confirm the record within
   *     the timeout (plus {@link Waits#GRACE_NANOS}): submitting it again is safe
   */
  public TxResult submitAndWait(TxRecord record, Duration timeout) {
    return submitAndWait(record, null, timeout);
  }

  /**
   * As {@link #submitAndWait(TxRecord, Duration)}, keeping {@code payloads} as {@link
   * #submit(TxRecord, Object[])} does. On a store that never blocks ({@link
   * StoreCapability#NON_BLOCKING}), when the timeout exceeds the request timeout plus {@link
   * #INLINE_GRACE_NANOS}, the calling thread stores the record and drives it itself, starting a
   * round only while the time left exceeds the request timeout plus that grace, so that the round
   * ends in time (a Java handler called on this thread is interrupted at the request timeout);
   * what is left then goes on on the executor.
   */
  public TxResult submitAndWait(TxRecord record, Object[] payloads, Duration timeout) {
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    Duration inlineFor = timeout.minus(
        record.options().requestTimeout().plusNanos(INLINE_GRACE_NANOS));
    if (storeNeverBlocks && !inlineFor.isNegative() && !inlineFor.isZero()) {
      return submitAndWaitHere(record, payloads, inlineFor, deadline);
    }
    CompletableFuture<TxRecord> stored = new CompletableFuture<>();
    try (Waits.Waiter waiter = waits.watch(record.gid())) {
      FutureTask<String> task = new FutureTask<>(() -> {
        try {
          return submit(record, timeout, stored::complete, payloads);
        } catch (RuntimeException | Error e) {
          stored.completeExceptionally(e); // the caller may be waiting on this one
          throw e;
        }
      });
      executeOffCaller(task);
      awaitStored(task, stored, deadline, record.gid());
      return waiter.await(deadline, stored.join());
    }
  }

  /** As {@link #submitAndWait(TxRecord, Object[], Duration)} for a store that never blocks. */
  private TxResult submitAndWaitHere(TxRecord record, Object[] payloads, Duration inlineFor,
      long deadline) {
    TxRecord[] stored = new TxRecord[1];
    try (Waits.Waiter waiter = waits.watch(record.gid())) {
      submit(record, inlineFor, r -> stored[0] = r, payloads);
      return waiter.await(deadline, stored[0]);
    }
  }

  /**
   * Runs {@code task} on the executor, or on a spare thread when the executor refuses it or runs
   * it on this thread; on this thread only when the spare threads are all busy too.
   */
  private void executeOffCaller(Runnable task) {
    Thread caller = Thread.currentThread();
    try {
      config.executor().execute(() -> {
        if (Thread.currentThread() == caller) {
          executeOnSpare(task);
        } else {
          task.run();
        }
      });
    } catch (RejectedExecutionException e) {
      executeOnSpare(task);
    }
  }

  private void executeOnSpare(Runnable task) {
    try {
      spares.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Waits for {@code task} until the deadline, and for the record to be stored a grace after. */
  private static void awaitStored(FutureTask<String> task, CompletableFuture<TxRecord> stored,
      long deadline, String gid) {
    try {
      try {
        task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        stored.get(Math.max(0, deadline + Waits.GRACE_NANOS - System.nanoTime()),
            TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      throw new StoreUnavailableException("the store did not confirm the transaction within the "
          + "timeout; it may or may not be stored, and submitting it again is safe", gid, null);
    } catch (InterruptedException e) {
      task.cancel(true); // the worker stops driving between rounds and hands over the rest
      Thread.currentThread().interrupt();
      throw new io.jdtm.JdtmException("interrupted while awaiting", gid, null, null, e);
    } catch (ExecutionException e) {
      Throwables.rethrowIfFatal(e.getCause());
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** Starts the background recovery loop. */
  public void start() {
    requireOpen();
    recovery.start();
    xaInDoubt.start();
  }

  /** Scans the registered XA resources for in-doubt branches and resolves them. */
  public XaRecovery recoverXa() {
    requireOpen();
    return xaInDoubt.scan();
  }

  /** Transactions being driven by this instance now. */
  public int inFlight() {
    return inFlight.count();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the transaction manager " + config.instanceId()
          + " is closed");
    }
  }

  /**
   * Stops recovery and accepts no new work; waits up to the shutdown timeout for transactions in
   * flight to go as far as they can, then stops them at their next step (recovery resumes them).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    recovery.stop();
    try {
      if (!inFlight.awaitIdle(config.shutdownTimeout())) {
        log.warn("manager {}: {} transactions still in flight after {}; leaving them to recovery",
            config.instanceId(), inFlight.count(), config.shutdownTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      halt();
    }
  }

  /**
   * Stops at once, as a crash would: recovery stops, and transactions in flight stop at their
   * next step without writing what they were doing. Any instance recovers them after their lease.
   */
  public void halt() {
    closed.set(true);
    halted.set(true);
    recovery.stop();
    xaInDoubt.stop();
    config.handlers().xaResources().forEach(XaParticipant::close);
    spares.shutdown();
    overflow.shutdown();
    watchdog.close();
    if (config.ownedExecutor() != null) {
      config.ownedExecutor().shutdown();
    }
  }
}
