package io.jdtm.internal;

import io.jdtm.BranchEvent;
import io.jdtm.CallResult;
import io.jdtm.StatusEvent;
import io.jdtm.TransactionListener;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchUpdate;
import io.jdtm.spi.TxRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;

/**
 * Reports durable changes to the listener and the log; listener failures are contained.
 *
 * <p>An unknown outcome (the handler threw, no answer in time, an HTTP error) is logged at WARN on
 * attempts 1, 10, 100, 1000, ... of each (gid, branch, op), the first time with the exception's
 * stack trace; the line names what went wrong (exception class, HTTP status, timeout) but never
 * carries an answer's text or a payload. Counting attempts, which the store keeps, rather than
 * time bounds the log without any state here, whatever the retry interval. Everything else about a
 * call goes to DEBUG, a refusal to INFO.
 */
final class Events {
  private static final Logger log = Logs.get(Events.class);

  private static final String UNKNOWN_LINE = "gid={} branch={} op={}: outcome unknown on "
      + "attempt {}: {}; retrying{}, logged again at attempt {}";

  private final TransactionListener listener;

  Events(TransactionListener listener) {
    this.listener = listener;
  }

  void status(TxRecord tx, TxStatus from, TxStatus to, String reason, Instant at) {
    if (to == TxStatus.ABORTING || to == TxStatus.FAILED) {
      log.info("gid={} mode={} {} -> {}{}", tx.gid(), tx.mode().wireName(), from, to,
          reason == null ? "" : " (" + reason + ")");
    } else {
      log.debug("gid={} mode={} {} -> {}", tx.gid(), tx.mode().wireName(), from, to);
    }
    StatusEvent event = new StatusEvent(tx.gid(), tx.mode(), from, to, reason, at);
    try {
      listener.onStatusChange(event);
    } catch (Throwable e) {
      Throwables.rethrowIfFatal(e);
      log.warn("gid={}: transaction listener failed on a status change", tx.gid(), e);
    }
  }

  void calls(TxRecord tx, List<Call> calls, List<BranchUpdate> updates, Instant at) {
    for (Call call : calls) {
      BranchUpdate u = find(updates, call);
      int attempt = call.branch().attempts() + (call.attempted() ? 1 : 0);
      BranchEvent event = new BranchEvent(tx.gid(), tx.mode(), call.branch().branchId(),
          call.branch().op(), Math.max(attempt, 1), call.result(), call.detail(),
          u == null ? null : u.retryAt(), at);
      logCall(event, call);
      try {
        listener.onBranchCall(event);
      } catch (Throwable e) {
        Throwables.rethrowIfFatal(e);
        log.warn("gid={} branch={} op={}: transaction listener failed on a branch call",
            tx.gid(), event.branchId(), event.op().wireName(), e);
      }
    }
  }

  /**
   * A refusal at info, an unknown outcome at warn on attempts 1, 10, 100, ... (see the class
   * comment), everything at debug. The error (an exception message or a piece of an answer, which
   * may echo business data) only at debug, and in the stack trace of the first warning.
   */
  private static void logCall(BranchEvent e, Call call) {
    if (e.result() == CallResult.UNKNOWN && isWarnedAttempt(e.attempt()) && log.isWarnEnabled()) {
      warnUnknown(e, call);
    }
    if (e.result() == CallResult.FAILURE && log.isInfoEnabled()) {
      log.info("gid={} branch={} op={}: refused (attempt {})", e.gid(), e.branchId(),
          e.op().wireName(), e.attempt());
    }
    if (log.isDebugEnabled()) {
      log.debug("gid={} branch={} op={}: {} (attempt {}{}){}", e.gid(), e.branchId(),
          e.op().wireName(), e.result(), e.attempt(),
          e.retryAt() == null ? "" : ", next at " + e.retryAt(),
          e.error() == null ? "" : ": " + e.error());
    }
  }

  /**
   * An unknown outcome at WARN: what went wrong, without the detail's foreign text (the first
   * clause of it, or the exception's class); the stack trace on the first attempt.
   */
  private static void warnUnknown(BranchEvent e, Call call) {
    Throwable error = call.error();
    String what = error != null ? error.getClass().getName() : firstClause(call.detail());
    Object[] args = {e.gid(), e.branchId(), e.op().wireName(), e.attempt(), what,
        e.retryAt() == null ? "" : " at " + e.retryAt(), e.attempt() * 10L};
    if (e.attempt() == 1 && error != null) {
      Object[] withCause = Arrays.copyOf(args, args.length + 1);
      withCause[args.length] = error;
      args = withCause;
    }
    log.warn(UNKNOWN_LINE, args);
  }

  /** 1, 10, 100, ... */
  static boolean isWarnedAttempt(int attempt) {
    int a = attempt;
    while (a >= 10 && a % 10 == 0) {
      a /= 10;
    }
    return a == 1;
  }

  /** The text before the first {@code ": "}: our description, without the foreign text after. */
  static String firstClause(String detail) {
    if (detail == null) {
      return "no detail";
    }
    int colon = detail.indexOf(": ");
    return Results.sanitize(colon < 0 ? detail : detail.substring(0, colon));
  }

  private static BranchUpdate find(List<BranchUpdate> updates, Call call) {
    for (BranchUpdate u : updates) {
      if (u.op() == call.branch().op() && u.branchId().equals(call.branch().branchId())) {
        return u;
      }
    }
    return null;
  }
}
