package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.CallResult;
import io.jdtm.Codec;
import io.jdtm.Outcome;
import io.jdtm.Saga;
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
 * ({@link Saga#NONE}) answers SUCCESS without a call, as in DTM. Thread-safe.
 */
final class BranchInvoker {
  private static final Logger log = Logs.get(BranchInvoker.class);

  private final HandlerRegistry handlers;
  private final Codec codec;
  private final HttpInvoker http;
  private final Clock clock;
  private final Executor executor;
  private final Targets targets;

  BranchInvoker(HandlerRegistry handlers, Codec codec, HttpInvoker http, Clock clock,
      Executor executor, Targets targets) {
    this.handlers = handlers;
    this.codec = codec;
    this.http = http;
    this.clock = clock;
    this.executor = executor;
    this.targets = targets;
  }

  PendingCall start(TxRecord tx, BranchRecord branch) {
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
      return branch.op() == BranchOp.MSG ? startCheckBack(branch, b.name(), ctx)
          : PendingCall.done(new Call(branch, CallResult.FAILURE,
              "a barrier can only check a message back, not serve " + branch.op().wireName()));
    }
    return startHandler(branch, ((Target.Handler) target).name(), ctx);
  }

  /** A 2-phase message's check-back through a registered barrier. */
  private PendingCall startCheckBack(BranchRecord branch, String name, BranchContext ctx) {
    Optional<io.jdtm.Barrier<?>> barrier = handlers.barrier(name);
    if (barrier.isEmpty()) {
      log.warn("gid={}: no barrier '{}' is registered on this instance; waiting for an instance "
          + "that has it", ctx.gid(), name);
      return PendingCall.done(new Call(branch, CallResult.NOT_CALLED,
          "no barrier registered under '" + name + "'"));
    }
    io.jdtm.Barrier<?> b = barrier.get();
    return startTimed(branch, () -> {
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

  private PendingCall startHandler(BranchRecord branch, String name, BranchContext ctx) {
    Optional<HandlerRegistry.Registered<?>> found = handlers.find(name);
    if (found.isEmpty()) {
      log.warn("gid={} branch={} op={}: no handler '{}' is registered on this instance; "
          + "waiting for an instance that has it", ctx.gid(), ctx.branchId(),
          ctx.op().wireName(), name);
      return PendingCall.done(new Call(branch, CallResult.NOT_CALLED,
          "no handler registered under '" + name + "'"));
    }
    return startHandler(branch, found.get(), ctx);
  }

  private <T> PendingCall startHandler(
      BranchRecord branch, HandlerRegistry.Registered<T> h, BranchContext ctx) {
    T payload;
    try {
      payload = codec.decode(branch.payload(), h.payloadType());
    } catch (RuntimeException e) {
      return PendingCall.done(new Call(branch, CallResult.FAILURE,
          "stored payload does not decode for handler '" + h.name() + "': " + e.getMessage()));
    }
    return startTimed(branch, () -> run(branch, h, ctx, payload));
  }

  /**
   * Runs {@code call} on the executor, so that its waiter can stop waiting (and interrupt it); a
   * call the executor has not started shortly after is moved to a spare thread.
   */
  private PendingCall startTimed(BranchRecord branch, Callable<Call> call) {
    AtomicBoolean started = new AtomicBoolean();
    FutureTask<Call> task = new FutureTask<>(() -> {
      started.set(true);
      return call.call();
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
        DefaultExecutors.overflow().execute(task);
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
