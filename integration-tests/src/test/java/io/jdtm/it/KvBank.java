package io.jdtm.it;

import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two banks' accounts in one participant database, every op under the barrier: alice at bank A
 * (balance {@code bal:A}, frozen {@code frz:A}) and bob at bank B ({@code bal:B}, who takes at
 * most {@link #LIMIT} at once). Money is conserved when {@code bal:A + frz:A + bal:B} is constant.
 * Ops can be made to throw a number of times, and the freeze can be held back. Thread-safe.
 */
final class KvBank {
  static final long OPENING = 100;
  static final long LIMIT = 50;

  final KvBarrier db;
  final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  volatile CountDownLatch holdFreeze;
  final CountDownLatch freezeHeld = new CountDownLatch(1);

  KvBank(KvBarrier db) {
    this.db = db;
  }

  void open() throws Exception {
    db.set("bal:A", OPENING);
    db.set("frz:A", 0);
    db.set("bal:B", 0);
  }

  long total() throws Exception {
    return db.value("bal:A") + db.value("frz:A") + db.value("bal:B");
  }

  String balances() throws Exception {
    return "A=" + db.value("bal:A") + " frozenA=" + db.value("frz:A") + " B=" + db.value("bal:B");
  }

  /** Makes {@code op} throw the next {@code times} calls. */
  void failNext(String op, int times) {
    failures.put(op, new AtomicInteger(times));
  }

  TransactionManager.Builder register(TransactionManager.Builder b) {
    return b
        .handler("debit", Long.class, (ctx, amt) -> op(ctx, "debit", kv -> take(kv, amt)))
        .handler("debitUndo", Long.class, (ctx, amt) -> op(ctx, "debitUndo",
            kv -> put(kv, "bal:A", amt)))
        .handler("credit", Long.class, (ctx, amt) -> op(ctx, "credit", kv -> amt > LIMIT
            ? Outcome.failure("bank B takes at most " + LIMIT) : put(kv, "bal:B", amt)))
        .handler("creditUndo", Long.class, (ctx, amt) -> op(ctx, "creditUndo",
            kv -> put(kv, "bal:B", -amt)))
        .handler("freeze", Long.class, (ctx, amt) -> {
          hold();
          return op(ctx, "freeze", kv -> {
            Outcome o = take(kv, amt);
            return o.isSuccess() ? put(kv, "frz:A", amt) : o;
          });
        })
        .handler("payFrozen", Long.class, (ctx, amt) -> op(ctx, "payFrozen",
            kv -> put(kv, "frz:A", -amt)))
        .handler("unfreeze", Long.class, (ctx, amt) -> op(ctx, "unfreeze", kv -> {
          kv.add("frz:A", -amt);
          return put(kv, "bal:A", amt);
        }))
        .handler("canReceive", Long.class, (ctx, amt) -> op(ctx, "canReceive", kv -> amt > LIMIT
            ? Outcome.failure("bank B takes at most " + LIMIT) : Outcome.success()))
        .handler("receive", Long.class, (ctx, amt) -> op(ctx, "receive",
            kv -> put(kv, "bal:B", amt)))
        .handler("forget", Long.class, (ctx, amt) -> op(ctx, "forget", kv -> Outcome.success()));
  }

  /** The local work of a message paying {@code amount} out of alice's account. */
  KvBarrier.Work payOut(long amount) {
    return kv -> take(kv, amount);
  }

  private Outcome op(BranchContext ctx, String name, KvBarrier.Work work) throws Exception {
    AtomicInteger left = failures.get(name);
    if (left != null && left.getAndDecrement() > 0) {
      throw new IllegalStateException(name + " fails on purpose");
    }
    return db.call(ctx, work);
  }

  private void hold() throws InterruptedException {
    CountDownLatch latch = holdFreeze;
    if (latch != null) {
      freezeHeld.countDown();
      latch.await(30, TimeUnit.SECONDS);
    }
  }

  private static Outcome take(Kv kv, long amount) throws Exception {
    if (kv.get("bal:A") < amount) {
      return Outcome.failure("alice has less than " + amount);
    }
    kv.add("bal:A", -amount);
    return Outcome.success();
  }

  private static Outcome put(Kv kv, String key, long amount) throws Exception {
    kv.add(key, amount);
    return Outcome.success();
  }
}
