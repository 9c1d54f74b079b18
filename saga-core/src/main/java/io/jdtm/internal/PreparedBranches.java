package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.JdtmException;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The branches a body registers on its PREPARED transaction (TCC or XA): each registration is a
 * compare-and-set on the record, retried while it stays PREPARED and within its timeout.
 * Thread-safe: registrations are serialized.
 */
final class PreparedBranches {
  private final Engine engine;
  private final String gid;
  private final String kind;
  private final BranchOp inlineOp;
  private final ReentrantLock lock = new ReentrantLock();
  private TxRecord current; // guarded by lock

  /**
   * @param kind the mode as messages name it ({@code TCC}, {@code XA})
   * @param inlineOp the op the body runs inline (a TCC try, an XA branch's local transaction)
   */
  PreparedBranches(Engine engine, TxRecord record, String kind, BranchOp inlineOp) {
    this.engine = engine;
    this.gid = record.gid();
    this.kind = kind;
    this.inlineOp = inlineOp;
    this.current = record;
  }

  /**
   * Adds the two phase-two ops of a branch ({@code first} names it), unless a retried registration
   * added them already.
   *
   * @return the record with them
   * @throws InvalidTransactionException when the branch exists with another definition, or the
   *     transaction has as many branches as it may
   * @throws JdtmException when the transaction is no longer PREPARED or is past its timeout
   */
  TxRecord register(BranchRecord first, BranchRecord second) {
    lock.lock();
    try {
      while (true) {
        Optional<BranchRecord> existing = current.branch(first.branchId(), first.op());
        if (existing.isPresent()) {
          if (!existing.get().sameDefinition(first)) {
            throw new InvalidTransactionException("branch " + first.branchId()
                + " is registered already with other targets or payload", gid);
          }
          return current;
        }
        Instant deadline = current.createdAt().plus(current.options().timeoutToFail());
        if (current.status() == TxStatus.PREPARED && !engine.now().isBefore(deadline)) {
          throw new JdtmException("the " + kind + " transaction has been PREPARED longer than "
              + "its timeout " + current.options().timeoutToFail() + " and takes no more branches",
              gid, first.branchId(), inlineOp, null);
        }
        if (current.status() == TxStatus.PREPARED && count(first.op()) >= SagaRecords.MAX_STEPS) {
          throw new InvalidTransactionException("a " + kind + " transaction has at most "
              + SagaRecords.MAX_STEPS + " branches", gid);
        }
        if (current.status() != TxStatus.PREPARED) {
          throw new JdtmException("the " + kind + " transaction is " + current.status()
              + " and takes no more branches" + (current.reason() == null ? ""
              : " (" + current.reason() + ")"), gid, first.branchId(), inlineOp, null);
        }
        TxUpdate u = TxUpdate.against(current)
            .updatedAt(engine.now()).nextDueAt(current.nextDueAt())
            .addBranch(first).addBranch(second).build();
        if (engine.write(u)) {
          current = current.applying(u);
          return current;
        }
        current = engine.load(gid);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds {@code marker} (a finished op recording what happened inline) while the transaction is
   * PREPARED and has no op of its id and kind yet. Best effort: a store failure is swallowed.
   */
  void record(BranchRecord marker) {
    try {
      lock.lock();
      try {
        while (current.status() == TxStatus.PREPARED
            && current.branch(marker.branchId(), marker.op()).isEmpty()) {
          TxUpdate u = TxUpdate.against(current).updatedAt(engine.now())
              .nextDueAt(current.nextDueAt()).addBranch(marker).build();
          if (engine.write(u)) {
            current = current.applying(u);
            return;
          }
          current = engine.load(gid);
        }
      } finally {
        lock.unlock();
      }
    } catch (RuntimeException e) {
      // the store failed: the caller's own record of what happened still stops a submit
    }
  }

  private long count(BranchOp op) {
    return current.branches().stream().filter(b -> b.op() == op).count();
  }
}
