package io.jdtm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every runnable example, on the memory store with an in-memory H2 database for its banks. */
class DemosTest {
  interface Main {
    void run(String[] args) throws Exception;
  }

  static String run(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run(new String[] {"memory:"});
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
  void orderMessageDemo_deliversTheCommittedOrderOnlyOnce() throws Exception {
    assertThat(run(OrderMessageDemo::main)).contains("stock left: [1]",
        "shipping inbox: [book x2]", "billing inbox:  [book x2]", "refused");
  }
}
