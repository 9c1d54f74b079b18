package io.jdtm.internal;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Drives one leased transaction as far as it can go now: asks the mode's logic what to do, calls
 * branches (never holding a lock or connection meanwhile), and writes each round's results with a
 * compare-and-set that also renews the lease and folds in any status changes that follow at once
 * (concurrent drivers' writes share a commit: {@link GroupCommit}). A rejected write means
 * another instance holds the transaction: this one drops it. A store error drops it too; recovery
 * picks it up when the lease runs out. Thread-safe; one {@link #drive} per transaction at a time.
 */
final class TxRunner {
  private static final Logger log = Logs.get(TxRunner.class);
  /** Status changes merged into one write; more would mean a logic bug. */
  private static final int MAX_CHAINED_TRANSITIONS = 4;
  /** Extra wait beyond the request timeout, so an HTTP call's own timeout reports first. */
  private static final long GRACE_NANOS = 250_000_000L;

  private final TransactionStore store;
  private final GroupCommit writes;
  private final Clock clock;
  private final Duration lease;
  private final Map<Mode, ModeLogic> logics;
  private final BranchInvoker invoker;
  private final Events events;
  private final Completions completions;
  private final BooleanSupplier stopped;

  TxRunner(TransactionStore store, Clock clock, Duration lease, Map<Mode, ModeLogic> logics,
      BranchInvoker invoker, Events events, Completions completions,
      BooleanSupplier stopped) {
    this.store = store;
    this.writes = new GroupCommit(store);
    this.clock = clock;
    this.lease = lease;
    this.logics = logics;
    this.invoker = invoker;
    this.events = events;
    this.completions = completions;
    this.stopped = stopped;
  }

  /**
   * Drives {@code tx}, which this instance has just created or claimed. If this thread is
   * interrupted, it stops between rounds and leaves the rest to recovery.
   */
  void drive(TxRecord tx) {
    if (drive(tx, () -> false, false) != null) {
      log.debug("gid={}: driving thread interrupted; recovery resumes the transaction after its "
          + "lease", tx.gid());
    }
  }

  /**
   * Drives {@code tx} until it needs nothing more now, or until {@code yield} says to stop
   * between two rounds, or this thread is interrupted. A round whose waits for answers were
   * interrupted records nothing: its calls are made again by whoever goes on.
   *
   * @return the record to go on with, when it stopped early; otherwise {@code null}
   */
  TxRecord drive(TxRecord tx, BooleanSupplier yield, boolean callHere) {
    TxRecord current = tx;
    while (current != null && !isStopped(current)) {
      if (Thread.currentThread().isInterrupted() || yield.getAsBoolean()) {
        return current;
      }
      current = step(current, callHere);
    }
    return null;
  }

  /** One round; returns the record to continue with, or {@code null} to stop driving it. */
  private TxRecord step(TxRecord tx, boolean callHere) {
    Instant now = clock.instant();
    Decision decision = logic(tx).next(tx, now);
    if (decision instanceof Decision.Calls calls) {
      return callAndRecord(tx, calls, now, callHere);
    }
    if (decision instanceof Decision.Wait wait && Objects.equals(tx.nextDueAt(), wait.until())) {
      return null; // already parked until its next due time
    }
    return write(tx, TxUpdate.against(tx).updatedAt(now), List.of(), now);
  }

  private TxRecord callAndRecord(TxRecord tx, Decision.Calls decision, Instant now,
      boolean callHere) {
    TxRecord held = renewIfShort(tx, now);
    if (held == null || isStopped(held)) {
      return null;
    }
    List<Call> calls = callAll(held, decision.branches(), callHere);
    if (isStopped(held)) {
      return null; // as if the process died before recording the results
    }
    if (Thread.currentThread().isInterrupted()) {
      return held; // the waits were cut short, not the calls: record nothing (see drive)
    }
    Instant after = clock.instant();
    TxUpdate.Builder update = TxUpdate.against(held).updatedAt(after);
    logic(held).fold(held, calls, after, update);
    return write(held, update, calls, after);
  }

  /**
   * Starts every call at once, then waits for each up to the request timeout (real time). With
   * {@code callHere} (a drive for a caller waiting for the outcome anyway), the last one, a Java
   * handler's, runs on this thread under the watchdog; other drives (recovery, the executor's)
   * never run a handler on their own thread, so a handler that ignores interrupts cannot hold
   * them.
   */
  private List<Call> callAll(TxRecord tx, List<BranchRecord> branches, boolean callHere) {
    long deadline = System.nanoTime() + tx.options().requestTimeout().toNanos() + GRACE_NANOS;
    List<PendingCall> pending = new ArrayList<>(branches.size());
    int last = branches.size() - 1;
    for (int i = 0; i <= last; i++) {
      pending.add(invoker.start(tx, branches.get(i), callHere && i == last));
    }
    List<Call> calls = new ArrayList<>(pending.size());
    for (PendingCall p : pending) {
      calls.add(p.await(deadline - System.nanoTime()));
    }
    return calls;
  }

  /**
   * Completes {@code update} with the status changes that now follow without calling anything
   * and with the next due time, writes it, and reports it.
   */
  private TxRecord write(TxRecord tx, TxUpdate.Builder update, List<Call> calls, Instant now) {
    List<TxStatus[]> transitions = new ArrayList<>();
    TxRecord next = tx.applying(update.build());
    if (next.status() != tx.status()) {
      tx.status().checkMoveTo(next.status(), tx.gid());
      transitions.add(new TxStatus[] {tx.status(), next.status()});
    }
    Decision decision = logic(tx).next(next, now);
    for (int i = 0; decision instanceof Decision.Transition t; i++) {
      if (i == MAX_CHAINED_TRANSITIONS) {
        throw new IllegalStateException("gid " + tx.gid() + ": transitions do not settle");
      }
      next.status().checkMoveTo(t.to(), tx.gid());
      transitions.add(new TxStatus[] {next.status(), t.to()});
      update.status(t.to());
      if (t.reason() != null && next.reason() == null) {
        update.reason(t.reason());
      }
      next = tx.applying(update.build());
      decision = logic(tx).next(next, now);
    }
    boolean parked = decision instanceof Decision.Wait;
    update.nextDueAt(parked ? ((Decision.Wait) decision).until() : now.plus(lease));
    TxUpdate u = update.build();
    if (!commit(tx, u)) {
      return null;
    }
    // What tx.applying(u) gives: u differs from the update that made next only in its due time.
    TxRecord written = next.toBuilder().nextDueAt(u.nextDueAt()).build();
    events.calls(tx, calls, u.branchUpdates(), now);
    for (TxStatus[] t : transitions) {
      events.status(written, t[0], t[1], written.reason(), now);
    }
    if (written.status().isTerminal()) {
      completions.complete(written);
    }
    return parked ? null : written;
  }

  /** Extends the lease before calls if it might run out during them. */
  private TxRecord renewIfShort(TxRecord tx, Instant now) {
    Duration timeout = tx.options().requestTimeout();
    Duration needed = timeout.plus(timeout);
    if (tx.nextDueAt() != null && !tx.nextDueAt().isBefore(now.plus(needed))) {
      return tx;
    }
    Duration extension = needed.compareTo(lease) > 0 ? needed : lease;
    TxUpdate u = TxUpdate.against(tx)
        .updatedAt(now)
        .nextDueAt(now.plus(extension))
        .build();
    return commit(tx, u) ? tx.applying(u) : null;
  }

  /**
   * Writes {@code u}. When the store fails, reads the record back: if it holds exactly what this
   * write would have made, the write happened and counts as done.
   */
  private boolean commit(TxRecord tx, TxUpdate u) {
    try {
      if (writes.update(u, () -> Landed.check(store, tx, u))) {
        return true;
      }
      log.debug("gid={}: write at version {} rejected; another instance holds it now", u.gid(),
          u.expectedVersion());
      return false;
    } catch (RuntimeException e) {
      if (Landed.check(store, tx, u)) {
        log.debug("gid={}: store reported a failure but the write landed: {}", u.gid(),
            e.toString());
        return true;
      }
      log.warn("gid={}: store write failed; recovery will resume the transaction after its "
          + "lease: {}", u.gid(), e.toString());
      return false;
    }
  }

  private boolean isStopped(TxRecord tx) {
    if (stopped.getAsBoolean()) {
      log.debug("gid={}: manager stopped; leaving the transaction to recovery", tx.gid());
      return true;
    }
    return false;
  }

  private ModeLogic logic(TxRecord tx) {
    ModeLogic logic = logics.get(tx.mode());
    if (logic == null) {
      throw new IllegalStateException("gid " + tx.gid() + ": mode " + tx.mode()
          + " is not supported by this version");
    }
    return logic;
  }
}
