package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.CallResult;
import io.jdtm.Codec;
import io.jdtm.Outcome;
import io.jdtm.Saga;
import io.jdtm.internal.xa.XaBranchId;
import io.jdtm.internal.xa.XaParticipant;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Starts one branch op on its target and turns every way it can end into a {@link Call}; it never
 * throws for a branch's misbehaviour. Java handlers run on the executor (so a hung one times out
 * and is interrupted); HTTP calls are asynchronous. A stored target or payload that can never work
 * (corrupt record, target no longer allowed) answers FAILURE; a handler this instance lacks answers
 * NOT_CALLED (another instance, or a later deployment, may have it); a saga step's missing op
 * ({@link Saga#NONE}) answers SUCCESS without a call, as in DTM.
 *
 * <p>A Java handler or barrier may instead be called on the driving thread ({@link #start(TxRecord,
 * BranchRecord, boolean)}): the {@link Watchdog} interrupts it at the request timeout, and the
 * call then counts as UNKNOWN, as a timed-out call on the executor does. A handler on the
 * instance that submitted the transaction receives the payload object that was submitted, when
 * it is of the handler's payload type exactly ({@link LocalPayloads}); anywhere else it receives
 * the payload decoded from the record. Thread-safe.
 */
final class BranchInvoker {
  private static final Logger log = Logs.get(BranchInvoker.class);

  private final HandlerRegistry handlers;
  private final Codec codec;
  private final HttpInvoker http;
  private final Clock clock;
  private final Executor executor;
  private final Targets targets;
  private final Watchdog watchdog;
  private final LocalPayloads locals;
  private final Executor overflow;

  BranchInvoker(HandlerRegistry handlers, Codec codec, HttpInvoker http, Clock clock,
      Executor executor, Executor overflow, Targets targets, Watchdog watchdog,
      LocalPayloads locals) {
    this.handlers = handlers;
    this.codec = codec;
    this.http = http;
    this.clock = clock;
    this.executor = executor;
    this.targets = targets;
    this.watchdog = watchdog;
    this.locals = locals;
    this.overflow = overflow;
  }

  /** Starts the call on the executor (or, for HTTP, asynchronously). */
  PendingCall start(TxRecord tx, BranchRecord branch) {
    return start(tx, branch, false);
  }

  /**
   * Starts the call; with {@code here}, a Java handler or barrier runs to its end (or the request
   * timeout) on this thread before this returns.
   */
  PendingCall start(TxRecord tx, BranchRecord branch, boolean here) {
    Duration timeout = tx.options().requestTimeout();
    Instant deadline = clock.instant().plus(timeout);
    BranchContext ctx = BranchContext.of(
        tx.gid(), tx.mode(), branch.branchId(), branch.op(), branch.attempts() + 1, deadline);
    Target target;
    try {
      target = targets.parse(branch.target());
    } catch (RuntimeException e) {
      return PendingCall.done(new Call(branch, CallResult.FAILURE,
          "unusable stored target: " + e.getMessage()));
    }
    if (target instanceof Target.None) {
      return PendingCall.done(new Call(branch, CallResult.SUCCESS, null)); // nothing to call
    }
    if (target instanceof Target.Http h) {
      return http.start(branch, h.uri(), ctx, timeout);
    }
    if (target instanceof Target.BarrierRef b) {
      return branch.op() == BranchOp.MSG ? startCheckBack(branch, b.name(), ctx, timeout, here)
          : PendingCall.done(new Call(branch, CallResult.FAILURE,
              "a barrier can only check a message back, not serve " + branch.op().wireName()));
    }
    if (target instanceof Target.XaRef x) {
      return startXa(tx, branch, x.name(), ctx, timeout, here);
    }
    return startHandler(branch, ((Target.Handler) target).name(), ctx, timeout, here);
  }

  /** Phase two of an XA branch on a registered resource: commit or rollback. */
  private PendingCall startXa(TxRecord tx, BranchRecord branch, String name, BranchContext ctx,
      Duration timeout, boolean here) {
    if (branch.op() != BranchOp.COMMIT && branch.op() != BranchOp.ROLLBACK) {
      return PendingCall.done(new Call(branch, CallResult.FAILURE,
          "an XA resource commits or rolls back, it does not serve " + branch.op().wireName()));
    }
    Optional<XaParticipant> found = handlers.xaResource(name);
    if (found.isEmpty()) {
      log.warn("gid={} branch={} op={}: no XA resource '{}' is registered on this instance; "
          + "waiting for an instance that has it", ctx.gid(), ctx.branchId(),
          ctx.op().wireName(), name);
      return PendingCall.done(new Call(branch, CallResult.NOT_CALLED,
          "no XA resource registered under '" + name + "'"));
    }
    XaParticipant resource = found.get();
    XaBranchId id = new XaBranchId(ctx.gid(), branch.branchId());
    long incarnation = tx.createdAt().toEpochMilli();
    return startTimed(branch, timeout, here, () -> {
      try {
        if (branch.op() == BranchOp.COMMIT) {
          resource.commit(id, incarnation);
        } else {
          resource.rollback(id, incarnation, clock.millis());
        }
        return new Call(branch, CallResult.SUCCESS, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Call(branch, CallResult.UNKNOWN, "XA " + branch.op().wireName()
            + " interrupted");
      } catch (Throwable e) {
        Throwables.rethrowIfFatal(e);
        return Call.threw(branch, "XA " + branch.op().wireName() + " on resource '" + name
            + "' failed:", e);
      }
    });
  }

  /** A 2-phase message's check-back through a registered barrier. */
  private PendingCall startCheckBack(BranchRecord branch, String name, BranchContext ctx,
      Duration timeout, boolean here) {
    Optional<io.jdtm.Barrier<?>> barrier = handlers.barrier(name);
    if (barrier.isEmpty()) {
      log.warn("gid={}: no barrier '{}' is registered on this instance; waiting for an instance "
          + "that has it", ctx.gid(), name);
      return PendingCall.done(new Call(branch, CallResult.NOT_CALLED,
          "no barrier registered under '" + name + "'"));
    }
    io.jdtm.Barrier<?> b = barrier.get();
    return startTimed(branch, timeout, here, () -> {
      try {
        return toCall(branch, b.queryPrepared(ctx.gid()), "barrier '" + name + "'");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Call(branch, CallResult.UNKNOWN, "check-back interrupted");
      } catch (Throwable e) {
        Throwables.rethrowIfFatal(e);
        return Call.threw(branch, "check-back threw", e);
      }
    });
  }

  private PendingCall startHandler(BranchRecord branch, String name, BranchContext ctx,
      Duration timeout, boolean here) {
    Optional<HandlerRegistry.Registered<?>> found = handlers.find(name);
    if (found.isEmpty()) {
      log.warn("gid={} branch={} op={}: no handler '{}' is registered on this instance; "
          + "waiting for an instance that has it", ctx.gid(), ctx.branchId(),
          ctx.op().wireName(), name);
      return PendingCall.done(new Call(branch, CallResult.NOT_CALLED,
          "no handler registered under '" + name + "'"));
    }
    return startHandler(branch, found.get(), ctx, timeout, here);
  }

  private <T> PendingCall startHandler(BranchRecord branch, HandlerRegistry.Registered<T> h,
      BranchContext ctx, Duration timeout, boolean here) {
    T payload;
    Object submitted = locals.find(ctx.gid(), branch.branchId());
    if (submitted != null && submitted.getClass() == h.payloadType()) {
      payload = h.payloadType().cast(submitted); // encoded from it at submit: no decode needed
    } else {
      try {
        payload = codec.decode(branch.payload(), h.payloadType());
      } catch (RuntimeException e) {
        return PendingCall.done(new Call(branch, CallResult.FAILURE,
            "stored payload does not decode for handler '" + h.name() + "': " + e.getMessage()));
      }
    }
    return startTimed(branch, timeout, here, () -> run(branch, h, ctx, payload));
  }

  /**
   * Runs {@code call} on this thread when {@code here} (interrupted by the watchdog at the
   * timeout), else on the executor ({@link #startTimed(BranchRecord, Duration, Callable)}).
   */
  private PendingCall startTimed(BranchRecord branch, Duration timeout, boolean here,
      Callable<Call> call) {
    if (!here) {
      return startTimed(branch, timeout, call);
    }
    return PendingCall.done(callWatched(branch, timeout, call));
  }

  /**
   * Runs {@code call} on this thread, interrupted by the watchdog at the timeout; an answer that
   * came after the timeout counts as none (UNKNOWN), one that came before it stands.
   */
  private Call callWatched(BranchRecord branch, Duration timeout, Callable<Call> call) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Watchdog.Watch watch = watchdog.arm(deadline);
    Call result;
    long returned;
    try {
      result = call.call();
    } catch (Exception e) {
      result = Call.threw(branch, "call failed:", e); // the callables here catch their own
    } finally {
      returned = System.nanoTime();
      watch.disarm();
    }
    return returned - deadline >= 0
        ? new Call(branch, CallResult.UNKNOWN, "no answer within " + timeout.toMillis() + " ms")
        : result;
  }

  /**
   * Runs {@code call} on the executor, so that its waiter can stop waiting (and interrupt it); a
   * call the executor has not started shortly after is moved to a spare thread. A call that ends
   * up on this very thread (the executor refused it, or runs tasks on the caller) runs under the
   * watchdog, so that it stays bounded by the timeout too.
   */
  private PendingCall startTimed(BranchRecord branch, Duration timeout, Callable<Call> call) {
    AtomicBoolean started = new AtomicBoolean();
    Thread starter = Thread.currentThread();
    FutureTask<Call> task = new FutureTask<>(() -> {
      started.set(true);
      return Thread.currentThread() == starter ? callWatched(branch, timeout, call) : call.call();
    });
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
    return new PendingCall(branch, task, () -> task.cancel(true), () -> {
      if (!started.get()) {
        // No thread of the executor took it: run it on a spare thread, so that it stays timed
        // (FutureTask runs it at most once, whichever thread gets there first).
        try {
          overflow.execute(task);
        } catch (RejectedExecutionException e) {
          task.cancel(false); // the manager halted: nobody records this call's answer
        }
      }
    });
  }

  private static Call toCall(BranchRecord branch, Outcome outcome, String who) {
    if (outcome == null) {
      return new Call(branch, CallResult.UNKNOWN, who + " returned null");
    }
    return switch (outcome.kind()) {
      case SUCCESS -> new Call(branch, CallResult.SUCCESS, null, outcome.result());
      case FAILURE -> new Call(branch, CallResult.FAILURE, outcome.reason());
      case ONGOING -> new Call(branch, CallResult.ONGOING, null);
    };
  }

  private <T> Call run(
      BranchRecord branch, HandlerRegistry.Registered<T> h, BranchContext ctx, T payload) {
    try {
      return toCall(branch, h.handler().handle(ctx, payload), "handler '" + h.name() + "'");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Call(branch, CallResult.UNKNOWN, "handler interrupted");
    } catch (Throwable e) {
      Throwables.rethrowIfFatal(e);
      return Call.threw(branch, "handler threw", e);
    }
  }
}
