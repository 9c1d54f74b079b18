package io.jdtm.internal;

import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.CallResult;
import io.jdtm.InvalidTransactionException;
import io.jdtm.JdtmException;
import io.jdtm.Outcome;
import io.jdtm.Xa;
import io.jdtm.internal.xa.XaBranchId;
import io.jdtm.internal.xa.XaParticipant;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An XA transaction while its body runs: registers each branch's commit and rollback on the
 * PREPARED record, then runs the branch's local XA transaction on the caller's thread (reported
 * to the listener as the branch's {@code action}, as a TCC try is). Thread-safe:
 * registrations are serialized, local transactions run concurrently.
 */
public final class XaSession implements Xa {
  private static final byte[] NO_PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

  private final Engine engine;
  private final String gid;
  private final AtomicInteger next = new AtomicInteger();
  private final PreparedBranches branches;
  private final long incarnation;
  private final Duration timeout;
  private volatile JdtmException failure;
  private final Object gate = new Object();
  private int running; // guarded by gate
  private boolean ended; // guarded by gate

  private XaSession(Engine engine, TxRecord record) {
    this.engine = engine;
    this.gid = record.gid();
    this.branches = new PreparedBranches(engine, record, "XA", BranchOp.ACTION);
    this.incarnation = record.createdAt().toEpochMilli();
    this.timeout = record.options().timeoutToFail() != null
        ? record.options().timeoutToFail() : Duration.ofDays(1);
  }

  /** The initiator's session on a record it has just created. */
  public static XaSession begin(Engine engine, TxRecord created) {
    return new XaSession(engine, created);
  }

  /** The first branch that did not succeed, if any (even if the body caught it). */
  public JdtmException failure() {
    return failure;
  }

  @Override
  public String gid() {
    return gid;
  }

  /**
   * Ends the body: no branch starts after this, and this waits for the branches still running
   * (a body that started some on other threads and returned without waiting for them), so that
   * the transaction is decided only once every branch is prepared or failed.
   *
   * @return false when interrupted, or when branches still run at the transaction's timeout
   *     (the transaction must then be aborted)
   */
  public boolean end() {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (gate) {
      ended = true;
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(gate, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public String branch(String resource, Work work) {
    Objects.requireNonNull(work, "work");
    synchronized (gate) {
      if (ended) {
        throw new JdtmException("the XA body has ended; a branch cannot start after it (run "
            + "branches inside the body and wait for those it starts on other threads)", gid,
            null, BranchOp.ACTION, null);
      }
      running++;
    }
    try {
      return run(resource, work);
    } finally {
      synchronized (gate) {
        running--;
        gate.notifyAll();
      }
    }
  }

  private String run(String resource, Work work) {
    XaParticipant participant = engine.config().handlers().xaResource(resource)
        .orElseThrow(() -> new InvalidTransactionException("no XA resource is registered under "
            + Names.quote(resource) + "; register it with builder().xaResource(name, "
            + "xaDataSource)", gid));
    String branchId = Digits.twoDigits(next.incrementAndGet());
    String target = Target.XA_PREFIX + participant.name();
    TxRecord registered;
    try {
      registered = branches.register(
          BranchRecord.prepared(branchId, BranchOp.COMMIT, target, NO_PAYLOAD, List.of()),
          BranchRecord.prepared(branchId, BranchOp.ROLLBACK, target, NO_PAYLOAD, List.of()));
    } catch (RuntimeException e) {
      // The registration may have landed although the store failed: a body that catches this
      // must not get its transaction committed with a branch that never ran.
      remember(e instanceof JdtmException je ? je : new JdtmException("the XA branch's "
          + "registration failed: " + e, gid, branchId, BranchOp.ACTION, e));
      throw e;
    }
    BranchRecord local =
        BranchRecord.prepared(branchId, BranchOp.ACTION, target, NO_PAYLOAD, List.of());
    Outcome outcome;
    try {
      outcome = participant.prepare(new XaBranchId(gid, branchId), incarnation, work,
          engine.now().toEpochMilli());
    } catch (Exception | Error e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      JdtmException failed = e instanceof JdtmException je && branchId.equals(je.branchId())
          ? je : new JdtmException("the XA branch on resource '" + participant.name()
          + "' failed: " + e, gid, branchId, BranchOp.ACTION, e);
      fail(branchId, target, failed); // first: a body that catches even an Error never commits
      if (e instanceof Error err) {
        throw err;
      }
      engine.reportCall(registered, Call.threw(local, "XA branch failed:", e));
      throw failed;
    }
    if (outcome.kind() != Outcome.Kind.SUCCESS) {
      CallResult result = outcome.kind() == Outcome.Kind.FAILURE
          ? CallResult.FAILURE : CallResult.ONGOING;
      engine.reportCall(registered, new Call(local, result, outcome.reason()));
      BranchFailedException failed = new BranchFailedException(gid, branchId, BranchOp.ACTION,
          result, outcome.reason());
      fail(branchId, target, failed);
      throw failed;
    }
    engine.reportCall(registered, new Call(local, CallResult.SUCCESS, null));
    return branchId;
  }

  private void remember(JdtmException failed) {
    synchronized (gate) {
      if (failure == null) {
        failure = failed;
      }
    }
  }

  /**
   * Closes the connections still held for this transaction's prepared branches (not H2's), for
   * when this instance does not run their phase two.
   */
  public void releaseHeld() {
    for (XaParticipant p : engine.config().handlers().xaResources()) {
      p.releaseHeld(gid, Duration.ZERO);
    }
  }

  /**
   * Remembers the first failed branch and records it in the transaction, so that it is never
   * submitted even if the body swallows the exception.
   */
  private void fail(String branchId, String target, JdtmException failed) {
    remember(failed);
    branches.record(new BranchRecord(branchId, BranchOp.ACTION, target, NO_PAYLOAD, List.of(),
        BranchStatus.FAILED, 1, 0, null, failed.getMessage()));
  }
}
