package io.jdtm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TransferDemoTest {
  @Test
  void main_onMemoryStore_conservesMoneyAndShowsBothOutcomes() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      TransferDemo.main(new String[] {"memory:"});
    } finally {
      System.setOut(original);
    }

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("-> SUCCEEDED", "-> FAILED", "REFUSED credit 60 to bob",
        "compensate", "after:  bank-A {alice=70}, bank-B {bob=30}",
        "money in both banks: 100 (was 100)");
  }
}
