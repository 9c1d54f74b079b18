package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.CallResult;
import io.jdtm.InvalidTransactionException;
import io.jdtm.JdtmException;
import io.jdtm.Mode;
import io.jdtm.Tcc;
import io.jdtm.TryResult;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCC transaction while its body runs: registers branches on the PREPARED record (a
 * compare-and-set per branch, retried while the record stays PREPARED) and calls their tries.
 * Thread-safe: registrations are serialized, tries run concurrently.
 */
public final class TccSession implements Tcc {
  private static final long GRACE_NANOS = 250_000_000L;

  private final Engine engine;
  private final String gid;
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private TxRecord current; // guarded by lock
  private volatile BranchFailedException failure;

  private TccSession(Engine engine, TxRecord record, String prefix) {
    this.engine = engine;
    this.gid = record.gid();
    this.current = record;
    this.prefix = prefix;
  }

  /** The initiator's session on a record it has just created. */
  public static TccSession begin(Engine engine, TxRecord created) {
    return new TccSession(engine, created, "");
  }

  /**
   * A session for branches registered from inside the try of {@code ctx}'s branch; the same one
   * for every join during one call of that try. A repeated delivery of the try gets a new
   * session, numbering its branches the same way, so the barrier sees them as repeats. Sessions
   * are kept per manager: a context joins only sessions of the manager it is joined through.
   *
   * @throws InvalidTransactionException unless {@code ctx} is the try of a PREPARED TCC branch
   */
  public static TccSession join(Engine engine, BranchContext ctx) {
    if (ctx.mode() != Mode.TCC || ctx.op() != BranchOp.TRY) {
      throw new InvalidTransactionException("only the try of a TCC branch can register nested "
          + "branches, not " + ctx.mode().wireName() + "/" + ctx.op().wireName(), ctx.gid());
    }
    TccSession joined = engine.tccJoins().get(ctx);
    if (joined != null) {
      return joined;
    }
    TxRecord record = engine.load(ctx.gid());
    if (record.mode() != Mode.TCC || record.status() != TxStatus.PREPARED) {
      throw new InvalidTransactionException("nested branches join a PREPARED TCC transaction, "
          + "not a " + record.status() + " " + record.mode().wireName() + " one", ctx.gid());
    }
    TccSession session = new TccSession(engine, record, ctx.branchId() + "-");
    engine.tccJoins().put(ctx, session);
    return session;
  }

  /** The first try that did not succeed, if any (even if the body caught it). */
  public BranchFailedException failure() {
    return failure;
  }

  @Override
  public String gid() {
    return gid;
  }

  @Override
  public TryResult branch(String tryTarget, String confirmTarget, String cancelTarget,
      Object payload) {
    String branchId = prefix + Digits.twoDigits(next.incrementAndGet());
    Targets targets = engine.config().targets();
    Target tryT = targets.branch(tryTarget);
    Target confirmT = targets.branch(confirmTarget);
    Target cancelT = targets.branch(cancelTarget);
    byte[] bytes = engine.config().payloads().encode(gid, branchId, payload,
        new Target[] {tryT, confirmT, cancelT},
        new BranchOp[] {BranchOp.TRY, BranchOp.CONFIRM, BranchOp.CANCEL});
    TxRecord registered = register(
        BranchRecord.prepared(branchId, BranchOp.CONFIRM, confirmT.canonical(), bytes, List.of()),
        BranchRecord.prepared(branchId, BranchOp.CANCEL, cancelT.canonical(), bytes, List.of()));
    BranchRecord tryOp =
        BranchRecord.prepared(branchId, BranchOp.TRY, tryT.canonical(), bytes, List.of());
    long wait = registered.options().requestTimeout().toNanos() + GRACE_NANOS;
    Call call = engine.startCall(registered, tryOp).await(wait);
    engine.reportCall(registered, call);
    if (call.result() != CallResult.SUCCESS) {
      BranchFailedException failed =
          new BranchFailedException(gid, branchId, BranchOp.TRY, call.result(), call.detail());
      if (failure == null) {
        failure = failed;
      }
      markFailed(tryOp, call);
      throw failed;
    }
    return new TryResult(branchId, call.output());
  }

  /**
   * Records in the transaction that a try did not succeed, so that it is never submitted (even
   * if a body, or a parent try in another process, swallows the exception). Best effort: the
   * initiator's session also remembers it.
   */
  private void markFailed(BranchRecord tryOp, Call call) {
    BranchRecord marker = new BranchRecord(tryOp.branchId(), BranchOp.TRY, tryOp.target(),
        tryOp.payload(), List.of(), BranchStatus.FAILED, 1, 0, null,
        call.result() + (call.detail() == null ? "" : ": " + call.detail()));
    try {
      lock.lock();
      try {
        while (current.status() == TxStatus.PREPARED
            && current.branch(marker.branchId(), BranchOp.TRY).isEmpty()) {
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
      // the store failed: the session's own record of the failure still stops a submit here
    }
  }

  private long countConfirms() {
    return current.branches().stream().filter(b -> b.op() == BranchOp.CONFIRM).count();
  }

  /** Adds confirm and cancel to the record, unless a retried registration added them already. */
  private TxRecord register(BranchRecord confirm, BranchRecord cancel) {
    lock.lock();
    try {
      while (true) {
        Optional<BranchRecord> existing = current.branch(confirm.branchId(), BranchOp.CONFIRM);
        if (existing.isPresent()) {
          if (!existing.get().sameDefinition(confirm)) {
            throw new InvalidTransactionException("branch " + confirm.branchId()
                + " is registered already with other targets or payload", gid);
          }
          return current;
        }
        java.time.Instant deadline =
            current.createdAt().plus(current.options().timeoutToFail());
        if (current.status() == TxStatus.PREPARED && !engine.now().isBefore(deadline)) {
          throw new JdtmException("the TCC transaction has been PREPARED longer than its timeout "
              + current.options().timeoutToFail() + " and takes no more branches", gid,
              confirm.branchId(), BranchOp.TRY, null);
        }
        if (current.status() == TxStatus.PREPARED && countConfirms() >= SagaRecords.MAX_STEPS) {
          throw new InvalidTransactionException("a TCC transaction has at most "
              + SagaRecords.MAX_STEPS + " branches", gid);
        }
        if (current.status() != TxStatus.PREPARED) {
          throw new JdtmException("the TCC transaction is " + current.status()
              + " and takes no more branches" + (current.reason() == null ? ""
              : " (" + current.reason() + ")"), gid, confirm.branchId(), BranchOp.TRY, null);
        }
        TxUpdate u = TxUpdate.against(current)
            .updatedAt(engine.now()).nextDueAt(current.nextDueAt())
            .addBranch(confirm).addBranch(cancel).build();
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
}
