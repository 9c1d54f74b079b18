package io.jdtm.internal;

import io.jdtm.CallResult;
import io.jdtm.spi.BranchRecord;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A branch call in progress. {@link #await} gives its result, or UNKNOWN once the wait runs out,
 * cancelling (and interrupting) the call. A call queued on an executor with no free thread is
 * moved to a spare thread after a short wait, so a saturated executor never starves calls nor
 * leaves them untimed. Not thread-safe: one waiter.
 */
final class PendingCall {
  /** How long a waiter lets the executor start a queued call before moving it. */
  static final long STEAL_AFTER_NANOS = 2_000_000L;

  private final BranchRecord branch;
  private final Future<Call> result;
  private final Runnable cancel;
  private final Runnable steal;

  PendingCall(BranchRecord branch, Future<Call> result, Runnable cancel) {
    this(branch, result, cancel, () -> {});
  }

  /**
   * @param steal moves the call to another thread if none has started it yet (a no-op
   *     otherwise)
   */
  PendingCall(BranchRecord branch, Future<Call> result, Runnable cancel, Runnable steal) {
    this.branch = branch;
    this.result = result;
    this.cancel = cancel;
    this.steal = steal;
  }

  /** A call that ended before it started (e.g. nothing to call). */
  static PendingCall done(Call call) {
    return new PendingCall(call.branch(),
        java.util.concurrent.CompletableFuture.completedFuture(call), () -> {});
  }

  /** Waits up to {@code nanos} (real time) for the result. */
  Call await(long nanos) {
    long deadline = System.nanoTime() + Math.max(0, nanos);
    try {
      try {
        return result.get(Math.min(Math.max(0, nanos), STEAL_AFTER_NANOS), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        steal.run();
      }
      return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      cancel.run();
      return new Call(branch, CallResult.UNKNOWN,
          "no answer within " + Duration.ofNanos(nanos).toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel.run();
      return new Call(branch, CallResult.UNKNOWN, "interrupted while waiting for the answer");
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Call.threw(branch, "call failed:", cause);
    }
  }
}
