package io.jdtm.internal;

import io.jdtm.BranchContext;
import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.CallResult;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Tcc;
import io.jdtm.TryResult;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final PreparedBranches branches;
  private volatile BranchFailedException failure;

  private TccSession(Engine engine, TxRecord record, String prefix) {
    this.engine = engine;
    this.gid = record.gid();
    this.branches = new PreparedBranches(engine, record, "TCC", BranchOp.TRY);
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
    TxRecord registered = branches.register(
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
    branches.record(new BranchRecord(tryOp.branchId(), BranchOp.TRY, tryOp.target(),
        tryOp.payload(), List.of(), BranchStatus.FAILED, 1, 0, null,
        call.result() + (call.detail() == null ? "" : ": " + call.detail())));
  }
}
