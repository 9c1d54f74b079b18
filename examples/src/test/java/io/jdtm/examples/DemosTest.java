package io.jdtm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every runnable example, on the memory store with an in-memory H2 database for its banks. */
class DemosTest {
  interface Main {
    void run(String[] args) throws Exception;
  }

  static String run(Main main) throws Exception {
    return run(main, "memory:");
  }

  static String run(Main main, String storeUri) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run(new String[] {storeUri});
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void transferDemo_conservesMoneyAndShowsBothOutcomes() throws Exception {
    assertThat(run(TransferDemo::main)).contains("-> SUCCEEDED", "-> FAILED",
        "REFUSED credit 60 to bob", "after:  bank-A {alice=70}, bank-B {bob=30}",
        "money in both banks: 100 (was 100)");
  }

  @Test
  void tccTransferDemo_confirmsOneAndCancelsTheOther() throws Exception {
    assertThat(run(TccTransferDemo::main)).contains("-> SUCCEEDED", "-> FAILED",
        "unfroze 60 on alice", "after:  bank-A {alice=70}, bank-B {bob=30}",
        "money in both banks: 100 (was 100)");
  }

  @Test
  void xaTransferDemo_commitsOneAndRollsBackTheOtherOnBothDatabases() throws Exception {
    assertThat(run(XaTransferDemo::main)).contains("-> SUCCEEDED", "-> FAILED",
        "not enough money on alice", "after:  bank-A {alice=70}, bank-B {bob=30}",
        "money in both banks: 100 (was 100)");
  }

  @Test
  void orderMessageDemo_deliversTheCommittedOrderOnlyOnce() throws Exception {
    assertThat(run(OrderMessageDemo::main)).contains("stock left: [1]",
        "shipping inbox: [book x2]", "billing inbox:  [book x2]", "refused");
  }

  @Test
  void crashRecoveryDemo_secondManagerFinishesTheSaga() throws Exception {
    assertThat(run(CrashRecoveryDemo::main)).contains("manager-B finished",
        ": SUCCEEDED", "after: bank-A {alice=60}, bank-B {bob=40}");
  }

  /**
   * The README's kill -9 walk-through on the default store kind (an H2 file): a first run dies in
   * its first saga after bank B's credit went through; the next run finishes that saga first.
   */
  @Test
  void transferDemo_restartedOnItsH2File_finishesWhatAKilledRunLeft(@TempDir Path dir)
      throws Exception {
    String uri = "jdbc:h2:" + dir.resolve("jdtm") + "#jdtm.createSchema=true";
    Bank bankA = new Bank("bank-A", Demos.bankUrl(uri), 1_000);
    Bank bankB = new Bank("bank-B", Demos.bankUrl(uri), 50);
    bankA.open(Map.of("alice", 100L));
    bankB.open(Map.of("bob", 0L));
    String gid;
    try (TransactionStore store = Stores.open(uri)) {
      AtomicReference<TransactionManager> killed = new AtomicReference<>();
      TransactionManager first = TransactionManager.builder()
          .store(store)
          .executor(Runnable::run)
          // It ran an hour ago: its lease has long run out when the next run starts.
          .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))
          .handler("debit", Transfer.class, (ctx, t) -> bankA.move(ctx, t, -t.amount()))
          .handler("debitUndo", Transfer.class, (ctx, t) -> bankA.move(ctx, t, t.amount()))
          .handler("credit", Transfer.class, (ctx, t) -> {
            var outcome = bankB.move(ctx, t, t.amount());
            killed.get().halt(); // dies before recording the credit
            return outcome;
          })
          .handler("creditUndo", Transfer.class, (ctx, t) -> bankB.move(ctx, t, -t.amount()))
          .build();
      killed.set(first);
      gid = first.saga().step("debit", "debitUndo", new Transfer("alice", 30))
          .step("credit", "creditUndo", new Transfer("bob", 30)).submit();
      assertThat(store.load(gid).orElseThrow().status()).isEqualTo(TxStatus.SUBMITTED);
    }

    assertThat(run(TransferDemo::main, uri)).contains(
        "resumed " + gid + " from an earlier run: SUCCEEDED",
        "after resuming: bank-A {alice=70}, bank-B {bob=30}; money in both banks: 100",
        "money in both banks: 100 (was 100)");
  }
}
