package io.jdtm.examples;

import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import java.time.Duration;
import java.util.Map;

/**
 * Two banks, two sagas: a transfer that succeeds, and one whose second step is refused and is
 * compensated. Prints every step and the final balances.
 *
 * <p>Run: {@code scripts/demo} (or {@code scripts/demo memory:} for another store URI). The default
 * store is an H2 file under {@code ./data}; kill the demo mid-run and start it again, and it first
 * finishes what the killed run left.
 */
public final class TransferDemo {
  private TransferDemo() {}

  public static void main(String[] args) {
    String uri = args.length > 0 && !args[0].isBlank() ? args[0] : Demos.DEFAULT_STORE;
    Bank bankA = new Bank("bank-A", Demos.bankUrl(uri), 1_000);
    Bank bankB = new Bank("bank-B", Demos.bankUrl(uri), 50);
    System.out.println("jdtm transfer demo, store " + Stores.redact(uri));

    try (TransactionStore store = Stores.open(uri);
         TransactionManager tm = TransactionManager.builder()
             .store(store)
             .handler("debit", Transfer.class, (ctx, t) -> bankA.move(ctx, t, -t.amount()))
             .handler("debitUndo", Transfer.class, (ctx, t) -> bankA.move(ctx, t, t.amount()))
             .handler("credit", Transfer.class, (ctx, t) -> bankB.move(ctx, t, t.amount()))
             .handler("creditUndo", Transfer.class, (ctx, t) -> bankB.move(ctx, t, -t.amount()))
             .lease(Duration.ofSeconds(4))
             .requestTimeout(Duration.ofSeconds(2))
             .pollInterval(Duration.ofMillis(200))
             .build()
             .start()) {
      if (Demos.resumeUnfinished(store, tm, Duration.ofSeconds(30)) > 0) {
        System.out.println("after resuming: " + bankA + ", " + bankB + "; money in both banks: "
            + (bankA.total() + bankB.total()));
      }
      bankA.open(Map.of("alice", 100L));
      bankB.open(Map.of("bob", 0L));
      System.out.println("before: " + bankA + ", " + bankB);
      run(tm, "transfer 30 from alice to bob", 30);
      run(tm, "transfer 60 from alice to bob (bank-B accepts at most 50 at once)", 60);
      System.out.println("after:  " + bankA + ", " + bankB);
      System.out.println("money in both banks: " + (bankA.total() + bankB.total())
          + " (was 100)");
    }
  }

  private static void run(TransactionManager tm, String title, long amount) {
    System.out.println();
    System.out.println("saga: " + title);
    TxStatus status = tm.saga()
        .step("debit", "debitUndo", new Transfer("alice", amount))
        .step("credit", "creditUndo", new Transfer("bob", amount))
        .submitAndWait(Duration.ofSeconds(30)).status();
    System.out.println("  -> " + status);
  }
}
