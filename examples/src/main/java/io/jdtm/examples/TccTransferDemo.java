package io.jdtm.examples;

import io.jdtm.BranchFailedException;
import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.store.jdbc.JdbcBarrier;
import java.time.Duration;
import java.util.Map;

/**
 * A TCC transfer: the try freezes money at bank A and checks bank B will take it; confirm pays
 * the frozen money out and in; cancel unfreezes it. Every op goes through the barrier, so a
 * repeated or late call changes nothing. One transfer succeeds, one is refused by bank B and
 * cancelled.
 *
 * <p>Run: {@code scripts/demo io.jdtm.examples.TccTransferDemo}.
 */
public final class TccTransferDemo {
  private TccTransferDemo() {}

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 && !args[0].isBlank() ? args[0] : Demos.DEFAULT_STORE;
    String db = Demos.bankUrl(uri);
    try (JdbcBarrier barrier = JdbcBarrier.builder().url(db).createSchema(true).build();
         TransactionStore store = Stores.open(uri)) {
      JdbcBank bankA = new JdbcBank("bank-A", db, barrier);
      JdbcBank bankB = new JdbcBank("bank-B", db, barrier);
      try (TransactionManager tm = TransactionManager.builder()
          .store(store)
          .handler("freeze", Transfer.class, bankA::freeze)
          .handler("payFrozen", Transfer.class, bankA::spendFrozen)
          .handler("unfreeze", Transfer.class, bankA::unfreeze)
          .handler("canReceive", Transfer.class, (ctx, t) -> bankB.acceptable(ctx, t, 50))
          .handler("receive", Transfer.class, bankB::receive)
          .handler("forget", Transfer.class, bankB::forget)
          .build()
          .start()) {
        bankA.open(Map.of("alice", 100L));
        bankB.open(Map.of("bob", 0L));
        System.out.println("before: " + bankA + ", " + bankB);
        transfer(tm, "transfer 30 from alice to bob", 30);
        transfer(tm, "transfer 60 from alice to bob (bank-B takes at most 50 at once)", 60);
        System.out.println("after:  " + bankA + ", " + bankB);
        System.out.println("money in both banks: " + (bankA.total() + bankB.total())
            + " (was 100)");
      }
    }
  }

  private static void transfer(TransactionManager tm, String title, long amount) {
    System.out.println();
    System.out.println("tcc: " + title);
    String gid = tm.tcc().gid();
    try {
      tm.tcc(gid).execute(tcc -> {
        tcc.branch("freeze", "payFrozen", "unfreeze", new Transfer("alice", amount));
        tcc.branch("canReceive", "receive", "forget", new Transfer("bob", amount));
      });
    } catch (BranchFailedException e) {
      System.out.println("  (a try failed: " + e.getMessage() + ")");
    }
    TxStatus status = tm.await(gid, Duration.ofSeconds(30)).status();
    System.out.println("  -> " + status);
  }
}
