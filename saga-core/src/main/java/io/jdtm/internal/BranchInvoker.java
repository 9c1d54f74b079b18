package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.CallResult;
import io.jdtm.Codec;
import io.jdtm.Outcome;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls one branch op on its target and turns every way it can end into a {@link Call}; it never
 * throws for a branch's misbehaviour. Thread-safe.
 */
final class BranchInvoker {
  private static final Logger log = LoggerFactory.getLogger(BranchInvoker.class);

  private final HandlerRegistry handlers;
  private final Codec codec;
  private final HttpInvoker http;
  private final Clock clock;

  BranchInvoker(HandlerRegistry handlers, Codec codec, HttpInvoker http, Clock clock) {
    this.handlers = handlers;
    this.codec = codec;
    this.http = http;
    this.clock = clock;
  }

  Call invoke(TxRecord tx, BranchRecord branch) {
    Duration timeout = tx.options().requestTimeout();
    Instant deadline = clock.instant().plus(timeout);
    BranchContext ctx = BranchContext.of(
        tx.gid(), tx.mode(), branch.branchId(), branch.op(), branch.attempts() + 1, deadline);
    Target target;
    try {
      target = Target.parse(branch.target());
    } catch (RuntimeException e) {
      return new Call(branch, CallResult.NOT_CALLED, "unusable stored target: " + e.getMessage());
    }
    Call call = target instanceof Target.Http h
        ? callHttp(branch, h, ctx, timeout)
        : callHandler(branch, ((Target.Handler) target).name(), ctx);
    log.debug("gid={} branch={} op={} attempt={} -> {} {}", tx.gid(), branch.branchId(),
        branch.op().wireName(), ctx.attempt(), call.result(),
        call.detail() == null ? "" : call.detail());
    return call;
  }

  private Call callHttp(BranchRecord branch, Target.Http target, BranchContext ctx, Duration t) {
    HttpInvoker.Answer answer = http.call(target.uri(), ctx, branch.payload(), t);
    return new Call(branch, answer.result(), answer.detail());
  }

  private Call callHandler(BranchRecord branch, String name, BranchContext ctx) {
    Optional<HandlerRegistry.Registered<?>> found = handlers.find(name);
    if (found.isEmpty()) {
      log.warn("gid={} branch={} op={}: no handler '{}' is registered on this instance; "
          + "waiting for an instance that has it", ctx.gid(), ctx.branchId(),
          ctx.op().wireName(), name);
      return new Call(branch, CallResult.NOT_CALLED, "no handler registered under '" + name + "'");
    }
    return run(branch, found.get(), ctx);
  }

  private <T> Call run(BranchRecord branch, HandlerRegistry.Registered<T> h, BranchContext ctx) {
    T payload;
    try {
      payload = codec.decode(branch.payload(), h.payloadType());
    } catch (RuntimeException e) {
      return new Call(branch, CallResult.NOT_CALLED, "payload does not decode: " + e.getMessage());
    }
    try {
      Outcome outcome = h.handler().handle(ctx, payload);
      if (outcome == null) {
        return new Call(branch, CallResult.UNKNOWN, "handler '" + h.name() + "' returned null");
      }
      return switch (outcome.kind()) {
        case SUCCESS -> new Call(branch, CallResult.SUCCESS, null);
        case FAILURE -> new Call(branch, CallResult.FAILURE, outcome.reason());
        case ONGOING -> new Call(branch, CallResult.ONGOING, null);
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Call(branch, CallResult.UNKNOWN, "handler interrupted");
    } catch (Exception | LinkageError | AssertionError e) {
      return new Call(branch, CallResult.UNKNOWN, "handler threw " + e);
    }
  }
}
