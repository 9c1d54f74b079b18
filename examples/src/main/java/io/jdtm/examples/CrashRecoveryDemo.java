package io.jdtm.examples;

import io.jdtm.BranchOp;
import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Manager A dies in the middle of a saga (halted while step 2 is being called, as a kill -9
 * would); manager B, sharing the store, takes the saga over when A's lease runs out and finishes
 * it. The bank's idempotency record absorbs the repeated call.
 *
 * <p>Run: {@code scripts/demo io.jdtm.examples.CrashRecoveryDemo}.
 */
public final class CrashRecoveryDemo {
  private static final Duration LEASE = Duration.ofSeconds(2);

  private CrashRecoveryDemo() {}

  public static void main(String[] args) {
    String uri = args.length > 0 && !args[0].isBlank() ? args[0] : Demos.DEFAULT_STORE;
    Bank bankA = new Bank("bank-A", Demos.bankUrl(uri), 1_000);
    Bank bankB = new Bank("bank-B", Demos.bankUrl(uri), 1_000);
    bankA.open(Map.of("alice", 100L));
    bankB.open(Map.of("bob", 0L));
    AtomicReference<TransactionManager> victim = new AtomicReference<>();
    CountDownLatch crashed = new CountDownLatch(1);

    try (TransactionStore store = Stores.open(uri)) {
      TransactionManager a = manager(store, "manager-A", bankA, bankB, victim, crashed);
      victim.set(a);
      String gid = a.saga()
          .step("debit", "debitUndo", new Transfer("alice", 40))
          .step("credit", "creditUndo", new Transfer("bob", 40))
          .submit();
      await(crashed);
      System.out.println("manager-A stored saga " + gid + " and died during step 2; status now "
          + a.find(gid).orElseThrow().status());

      try (TransactionManager b = manager(store, "manager-B", bankA, bankB, victim, crashed).start()) {
        System.out.println("manager-B started; it takes over once A's lease (" + LEASE
            + ") runs out");
        TxStatus status = b.await(gid, Duration.ofSeconds(30)).status();
        System.out.println("manager-B finished " + gid + ": " + status);
      }
    }
    System.out.println("after: " + bankA + ", " + bankB);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static TransactionManager manager(TransactionStore store, String id, Bank bankA,
      Bank bankB, AtomicReference<TransactionManager> victim, CountDownLatch crashed) {
    return TransactionManager.builder()
        .store(store)
        .instanceId(id)
        .lease(LEASE)
        .requestTimeout(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(200))
        .handler("debit", Transfer.class, (ctx, t) -> bankA.move(ctx, t, -t.amount()))
        .handler("debitUndo", Transfer.class, (ctx, t) -> bankA.move(ctx, t, t.amount()))
        .handler("credit", Transfer.class, (ctx, t) -> {
          // Manager A "crashes" on its first credit call; its call still reaches bank B.
          TransactionManager dying = ctx.op() == BranchOp.ACTION ? victim.getAndSet(null) : null;
          if (dying != null) {
            System.out.println("  (" + id + " crashes now; its call still reaches bank-B)");
            dying.halt();
          }
          var outcome = bankB.move(ctx, t, t.amount());
          crashed.countDown();
          return outcome;
        })
        .handler("creditUndo", Transfer.class, (ctx, t) -> bankB.move(ctx, t, -t.amount()))
        .build();
  }
}
