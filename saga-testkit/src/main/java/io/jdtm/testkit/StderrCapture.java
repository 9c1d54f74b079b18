package io.jdtm.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Captures what is written to {@code System.err} while some code runs, e.g. the lines slf4j-simple
 * logs there (the modules' test configuration sends it to {@code System.err}); the output still
 * reaches the console too.
 *
 * <p>Not thread-safe: it swaps the JVM-wide {@code System.err}, so run one capture at a time and
 * do not run tests that capture in parallel. Output that other threads write during the capture
 * is captured as well.
 */
public final class StderrCapture {
  private StderrCapture() {}

  /**
   * Runs {@code code} with {@code System.err} captured, then restores the original stream (also
   * when {@code code} throws).
   *
   * @return what was written to {@code System.err} during the run, decoded as UTF-8
   */
  public static String during(Runnable code) {
    Objects.requireNonNull(code, "code");
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
