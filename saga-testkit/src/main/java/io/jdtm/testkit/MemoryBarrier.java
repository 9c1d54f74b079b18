package io.jdtm.testkit;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.spi.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sub-transaction barrier over an in-memory "database" of named long values (balances, say),
 * for tests and simulations, with the JDBC barrier's rules and locking: each barrier row is locked
 * from its insert until the local transaction ends (so a check-back waits for a local transaction
 * in progress, and a late try waits for a cancel in progress), and calls on other rows never
 * wait. A local transaction sees and changes values through {@link Tx}; its changes become
 * visible only if it answers SUCCESS. Validates ids like the JDBC barrier, and like it keys rows
 * on the barrier id too, so several barrier calls in one branch op each take effect once (see
 * {@link Barrier}). Thread-safe.
 */
public final class MemoryBarrier implements Barrier<MemoryBarrier.Tx> {
  private static final String ROLLBACK = "rollback";
  /** The barrier id of a message's local transaction and its check-back, as in DTM. */
  private static final String MSG_BARRIER_ID = "01";

  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<String, String> rows = new ConcurrentHashMap<>(); // key -> reason
  private final Map<String, Long> values = new ConcurrentHashMap<>();
  private final ReentrantLock commit = new ReentrantLock();

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
    validate(ctx);
    String barrierId = ctx.nextBarrierId();
    BranchOp origin = ctx.op().origin();
    String current = key(ctx, ctx.op(), barrierId);
    String originKey = origin == null ? null : key(ctx, origin, barrierId);
    List<ReentrantLock> held = lock(current, originKey);
    try {
      boolean originInserted = originKey != null && insert(originKey, ctx.op().wireName());
      if (!insert(current, ctx.op().wireName())) {
        if (originInserted) {
          rows.remove(originKey);
        }
        boolean rolledBack = ctx.op() == BranchOp.MSG && ROLLBACK.equals(rows.get(current));
        return rolledBack ? Outcome.failure("the check-back rolled this message back")
            : Outcome.success();
      }
      if (originInserted) {
        return Outcome.success(); // null compensation; the origin row blocks a late action
      }
      return runBusiness(ctx, work, current);
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  private Outcome runBusiness(BranchContext ctx, LocalWork<Tx> work, String row)
      throws Exception {
    Tx tx = new Tx();
    Outcome outcome;
    try {
      outcome = work.run(tx);
    } catch (Exception | Error e) {
      rows.remove(row);
      throw e;
    }
    if (outcome == null || !outcome.isSuccess()) {
      rows.remove(row);
      return outcome == null ? Outcome.failure("local work returned null") : outcome;
    }
    commit.lock();
    try {
      values.putAll(tx.staged);
    } finally {
      commit.unlock();
    }
    return outcome;
  }

  @Override
  public Outcome queryPrepared(String gid) {
    String key = "msg|" + Names.requireGid(gid) + "|00|msg|" + MSG_BARRIER_ID;
    List<ReentrantLock> held = lock(key, null);
    try {
      if (insert(key, ROLLBACK) || ROLLBACK.equals(rows.get(key))) {
        return Outcome.failure("the local transaction did not commit");
      }
      return Outcome.success();
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  /** A committed value. */
  public long value(String key) {
    return values.getOrDefault(key, 0L);
  }

  /** Sets a committed value directly (test setup). */
  public void set(String key, long value) {
    values.put(key, value);
  }

  /** Locks the rows in a fixed order, so two calls never wait for each other in a cycle. */
  private List<ReentrantLock> lock(String a, String b) {
    TreeSet<String> keys = new TreeSet<>();
    keys.add(a);
    if (b != null) {
      keys.add(b);
    }
    List<ReentrantLock> held = new ArrayList<>();
    for (String k : keys) {
      ReentrantLock l = locks.computeIfAbsent(k, x -> new ReentrantLock());
      l.lock();
      held.add(l);
    }
    return held;
  }

  private boolean insert(String key, String reason) {
    return rows.putIfAbsent(key, reason) == null;
  }

  private static void validate(BranchContext ctx) {
    Names.requireGid(ctx.gid());
    if (!Names.isValidGid(ctx.branchId())) {
      throw new InvalidTransactionException("invalid branch id " + Names.quote(ctx.branchId()),
          ctx.gid());
    }
    if (ctx.op() == BranchOp.MSG && (ctx.mode() != Mode.MSG || !ctx.branchId().equals("00"))) {
      throw new InvalidTransactionException("op msg belongs to branch 00 of a message",
          ctx.gid());
    }
  }

  private static String key(BranchContext ctx, BranchOp op, String barrierId) {
    return ctx.mode().wireName() + "|" + ctx.gid() + "|" + ctx.branchId() + "|" + op.wireName()
        + "|" + barrierId;
  }
}
