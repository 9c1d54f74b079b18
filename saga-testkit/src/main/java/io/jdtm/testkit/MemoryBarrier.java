package io.jdtm.testkit;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sub-transaction barrier over an in-memory "database" of named long values (balances, say),
 * for tests and simulations: the same rules as the JDBC barrier, with every local transaction
 * serialized (so a check-back waits for a local transaction in progress, as a row lock would make
 * it). A local transaction sees and changes values through {@link Tx}; its changes become visible
 * only if it answers SUCCESS. Thread-safe.
 */
public final class MemoryBarrier implements Barrier<MemoryBarrier.Tx> {
  private static final String ROLLBACK = "rollback";

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, String> rows = new HashMap<>(); // key -> reason
  private final Map<String, Long> values = new HashMap<>();

  /** A local transaction's view: reads see its own writes; writes commit with it. */
  public final class Tx {
    private final Map<String, Long> staged = new HashMap<>();

    public long get(String key) {
      Long v = staged.get(key);
      return v != null ? v : values.getOrDefault(key, 0L);
    }

    public void put(String key, long value) {
      staged.put(key, value);
    }

    public void add(String key, long delta) {
      put(key, get(key) + delta);
    }
  }

  @Override
  public Outcome call(BranchContext ctx, LocalWork<Tx> work) throws Exception {
    lock.lock();
    try {
      BranchOp origin = ctx.op().origin();
      String current = key(ctx, ctx.op());
      boolean originInserted = origin != null && insert(key(ctx, origin), ctx.op().wireName());
      if (!insert(current, ctx.op().wireName())) {
        if (originInserted) {
          rows.remove(key(ctx, origin));
        }
        boolean rolledBack = ctx.op() == BranchOp.MSG && ROLLBACK.equals(rows.get(current));
        return rolledBack ? Outcome.failure("the check-back rolled this message back")
            : Outcome.success();
      }
      if (originInserted) {
        return Outcome.success(); // null compensation; the origin row blocks a late action
      }
      Tx tx = new Tx();
      Outcome outcome;
      try {
        outcome = work.run(tx);
      } catch (Exception | Error e) {
        rows.remove(current);
        throw e;
      }
      if (outcome == null || !outcome.isSuccess()) {
        rows.remove(current);
        return outcome == null ? Outcome.failure("local work returned null") : outcome;
      }
      values.putAll(tx.staged);
      return outcome;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Outcome queryPrepared(String gid) {
    lock.lock();
    try {
      String key = "msg|" + gid + "|00|msg";
      if (insert(key, ROLLBACK) || ROLLBACK.equals(rows.get(key))) {
        return Outcome.failure("the local transaction did not commit");
      }
      return Outcome.success();
    } finally {
      lock.unlock();
    }
  }

  /** A committed value. */
  public long value(String key) {
    lock.lock();
    try {
      return values.getOrDefault(key, 0L);
    } finally {
      lock.unlock();
    }
  }

  /** Sets a committed value directly (test setup). */
  public void set(String key, long value) {
    lock.lock();
    try {
      values.put(key, value);
    } finally {
      lock.unlock();
    }
  }

  private boolean insert(String key, String reason) {
    return rows.putIfAbsent(key, reason) == null;
  }

  private static String key(BranchContext ctx, BranchOp op) {
    return ctx.mode().wireName() + "|" + ctx.gid() + "|" + ctx.branchId() + "|" + op.wireName();
  }
}
