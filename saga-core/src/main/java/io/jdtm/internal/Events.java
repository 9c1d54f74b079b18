package io.jdtm.internal;

import io.jdtm.BranchEvent;
import io.jdtm.CallResult;
import io.jdtm.StatusEvent;
import io.jdtm.TransactionListener;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchUpdate;
import io.jdtm.spi.TxRecord;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/** Reports durable changes to the listener and the log; listener failures are contained. */
final class Events {
  private static final Logger log = Logs.get(Events.class);

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
      logCall(event);
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
   * A refusal at info, everything else at debug. The error (an exception message or a piece of
   * an answer, which may echo business data) only at debug.
   */
  private static void logCall(BranchEvent e) {
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

  private static BranchUpdate find(List<BranchUpdate> updates, Call call) {
    for (BranchUpdate u : updates) {
      if (u.op() == call.branch().op() && u.branchId().equals(call.branch().branchId())) {
        return u;
      }
    }
    return null;
  }
}
