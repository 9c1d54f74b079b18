package io.jdtm.examples;

import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A toy bank for the examples: balances in memory, and an idempotency record of (gid, branch,
 * op) so a repeated call has no second effect and an undo of a move that never happened does
 * nothing. (The sub-transaction barrier does this for real databases.) Thread-safe.
 */
final class Bank {
  private final String name;
  private final Map<String, Long> balances = new TreeMap<>();
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final long limit;

  Bank(String name, long limit, Map<String, Long> opening) {
    this.name = name;
    this.limit = limit;
    balances.putAll(opening);
  }

  /** Moves {@code delta} on an account, refusing overdrafts and moves above the limit. */
  Outcome move(BranchContext ctx, Transfer t, long delta) {
    lock.lock();
    try {
      String key = ctx.gid() + "/" + ctx.branchId() + "/" + ctx.op().wireName();
      if (done.contains(key)) {
        say(ctx, "already done, skipping");
        return Outcome.success();
      }
      if (ctx.op().isUndo()) {
        String action = ctx.gid() + "/" + ctx.branchId() + "/action";
        done.add(key);
        if (!done.contains(action + ":applied")) {
          say(ctx, "nothing to undo");
          return Outcome.success();
        }
      } else {
        long balance = balances.getOrDefault(t.account(), 0L);
        if (Math.abs(delta) > limit || balance + delta < 0) {
          say(ctx, "REFUSED " + describe(t, delta));
          return Outcome.failure(name + " refuses " + describe(t, delta));
        }
        done.add(key);
        done.add(key + ":applied");
      }
      balances.merge(t.account(), delta, Long::sum);
      say(ctx, describe(t, delta));
      return Outcome.success();
    } finally {
      lock.unlock();
    }
  }

  private static String describe(Transfer t, long delta) {
    return (delta < 0 ? "debit " + -delta + " from " : "credit " + delta + " to ") + t.account();
  }

  private void say(BranchContext ctx, String what) {
    System.out.printf("  %-7s %-10s %s/%s: %s%n", name, ctx.op().wireName(),
        ctx.gid().substring(Math.max(0, ctx.gid().length() - 6)), ctx.branchId(), what);
  }

  Map<String, Long> balances() {
    lock.lock();
    try {
      return new TreeMap<>(balances);
    } finally {
      lock.unlock();
    }
  }

  long total() {
    return balances().values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String toString() {
    return name + " " + balances();
  }
}
