package io.jdtm.store.redis;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What is written to {@code System.err} (where slf4j-simple logs, by the test configuration)
 * while some code runs; it still reaches the console too. One capture at a time: not thread-safe.
 */
final class StderrCapture {
  private StderrCapture() {}

  static String during(Runnable code) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStream both = new OutputStream() {
      @Override
      public void write(int b) {
        captured.write(b);
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        captured.write(b, off, len);
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    try {
      code.run();
    } finally {
      System.err.flush();
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
