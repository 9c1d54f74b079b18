package io.jdtm.testkit;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A scriptable branch participant for tests. It registers one handler under its name that serves
 * every op (use the name as both action and compensation target), answers each call as scripted
 * (SUCCESS when nothing is scripted), and writes every call and effect to a {@link Ledger}.
 *
 * <p>With the barrier on (the default) it keeps the sub-transaction barrier's rules in memory: an
 * op takes effect at most once per (gid, branch); a compensation of an action that never took
 * effect is a no-op that also blocks the action from taking effect later. With it off, every
 * effectful answer applies again, so duplicates show up in the ledger.
 *
 * <p>Thread-safe.
 */
public final class TestParticipant {
  private static final String ANY = "*";

  private final String name;
  private final Ledger ledger;
  private final boolean barrier;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Deque<Behaviour>> scripts = new ConcurrentHashMap<>();
  private final Set<String> barrierRows = new HashSet<>();
  private volatile Consumer<BranchContext> beforeAnswer = ctx -> {};

  public TestParticipant(String name, Ledger ledger) {
    this(name, ledger, true);
  }

  public TestParticipant(String name, Ledger ledger, boolean barrier) {
    this.name = name;
    this.ledger = ledger;
    this.barrier = barrier;
  }

  /** The handler name, to use as a target. */
  public String name() {
    return name;
  }

  /** Registers this participant's handler on {@code builder}. */
  public TransactionManager.Builder registerOn(TransactionManager.Builder builder) {
    return builder.handler(name, Object.class, (ctx, payload) -> handle(ctx));
  }

  /** Scripts the next answers of {@code op} on {@code branchId} in any transaction. */
  public TestParticipant script(String branchId, BranchOp op, Behaviour... answers) {
    return script(ANY, branchId, op, answers);
  }

  /** Scripts the next answers of {@code op} on {@code branchId} in {@code gid}. */
  public TestParticipant script(String gid, String branchId, BranchOp op, Behaviour... answers) {
    Deque<Behaviour> queue =
        scripts.computeIfAbsent(key(gid, branchId, op), k -> new ArrayDeque<>());
    lock.lock();
    try {
      for (Behaviour b : answers) {
        queue.add(b);
      }
    } finally {
      lock.unlock();
    }
    return this;
  }

  /** Runs {@code hook} at the start of every call (e.g. to halt a manager mid-saga). */
  public TestParticipant beforeAnswer(Consumer<BranchContext> hook) {
    this.beforeAnswer = hook;
    return this;
  }

  /**
   * Answers one call as scripted, recording it; for handlers that wrap this participant (e.g. to
   * inject faults around the call).
   */
  public Outcome handle(BranchContext ctx) {
    beforeAnswer.accept(ctx);
    Behaviour behaviour = next(ctx);
    Ledger.Effect effect = switch (behaviour) {
      case SUCCESS, EFFECT_THEN_THROW -> apply(ctx);
      case FAILURE, ONGOING, THROW -> Ledger.Effect.NONE;
    };
    ledger.add(name, ctx.gid(), ctx.branchId(), ctx.op(), ctx.attempt(), behaviour, effect);
    return switch (behaviour) {
      case SUCCESS -> Outcome.success();
      case FAILURE -> Outcome.failure(name + " refuses " + ctx.op().wireName());
      case ONGOING -> Outcome.ongoing();
      case THROW, EFFECT_THEN_THROW -> throw new IllegalStateException(
          name + ": scripted " + behaviour + " on " + ctx.op().wireName());
    };
  }

  /**
   * Delivers {@code ctx}'s op once more outside the manager (a duplicate or delayed message), as
   * a successful call. Recorded with attempt 0.
   */
  public Ledger.Effect redeliver(BranchContext ctx) {
    Ledger.Effect effect = apply(ctx);
    ledger.add(name, ctx.gid(), ctx.branchId(), ctx.op(), 0, Behaviour.SUCCESS, effect);
    return effect;
  }

  private Behaviour next(BranchContext ctx) {
    lock.lock();
    try {
      for (String key : new String[] {key(ctx.gid(), ctx.branchId(), ctx.op()),
          key(ANY, ctx.branchId(), ctx.op())}) {
        Deque<Behaviour> queue = scripts.get(key);
        if (queue != null && !queue.isEmpty()) {
          return queue.poll();
        }
      }
      return Behaviour.SUCCESS;
    } finally {
      lock.unlock();
    }
  }

  private Ledger.Effect apply(BranchContext ctx) {
    if (!barrier) {
      return Ledger.Effect.APPLIED;
    }
    lock.lock();
    try {
      BranchOp origin = ctx.op().origin();
      boolean originWasNew =
          origin != null && barrierRows.add(key(ctx.gid(), ctx.branchId(), origin));
      if (!barrierRows.add(key(ctx.gid(), ctx.branchId(), ctx.op()))) {
        BranchOp undo = undoOf(ctx.op());
        boolean undone = undo != null
            && barrierRows.contains(key(ctx.gid(), ctx.branchId(), undo));
        return undone ? Ledger.Effect.HANGING_BLOCKED : Ledger.Effect.DUPLICATE;
      }
      return originWasNew ? Ledger.Effect.NULL_COMPENSATION : Ledger.Effect.APPLIED;
    } finally {
      lock.unlock();
    }
  }

  /** The op that undoes {@code op}, or null. */
  private static BranchOp undoOf(BranchOp op) {
    return switch (op) {
      case ACTION -> BranchOp.COMPENSATE;
      case TRY -> BranchOp.CANCEL;
      default -> null;
    };
  }

  private static String key(String gid, String branchId, BranchOp op) {
    return gid + "|" + branchId + "|" + op.wireName();
  }
}
