package io.jdtm.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Real processes, real SIGKILLs: starts an {@link AckingWriter} JVM on a store (this JVM's
 * {@code java} and class path), lets it write for a seeded random while, kills it with SIGKILL,
 * and does it again, {@code kills} times. Child output goes to {@code child.log} in the run's
 * directory. Not thread-safe: one test thread drives it.
 */
final class KillLoop {
  /** Exit status of a process killed by SIGKILL: 128 + 9. */
  private static final int SIGKILL_EXIT = 137;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_RUN_MILLIS = 400;

  private final String storeUri;
  private final Path dir;
  private final Random random;

  KillLoop(String storeUri, Path dir, long seed) {
    this.storeUri = storeUri;
    this.dir = dir;
    this.random = new Random(seed);
  }

  /** Runs {@code kills} write-and-kill cycles; returns every gid a child acknowledged. */
  List<String> run(int kills) throws IOException, InterruptedException {
    Path acks = dir.resolve("acknowledged.txt");
    for (int i = 1; i <= kills; i++) {
      cycle(acks, "kill-" + i, Duration.ofMillis(random.nextInt(MAX_RUN_MILLIS + 1)));
    }
    return AckFile.read(acks);
  }

  private void cycle(Path acks, String prefix, Duration runTime)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Small and quick to start: the contract starts many of these on small machines.
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classPath(), AckingWriter.class.getName(), acks.toString(), prefix)
        .redirectErrorStream(true);
    builder.environment().put(AckingWriter.STORE_URI_ENV, storeUri);
    Process child = builder.start();
    try {
      CountDownLatch readyOrGone = copyOutput(child, prefix);
      check(readyOrGone.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && child.isAlive(),
          "child " + prefix + " did not get ready");
      check(!child.waitFor(runTime.toMillis(), TimeUnit.MILLISECONDS),
          "child " + prefix + " exited before its kill");
      child.destroyForcibly();
      check(child.waitFor(10, TimeUnit.SECONDS) && child.exitValue() == SIGKILL_EXIT,
          "child " + prefix + " did not end by SIGKILL (exit status 137)");
    } finally {
      child.destroyForcibly();
    }
  }

  private void check(boolean ok, String problem) {
    if (!ok) {
      throw new AssertionError(problem + "; see " + log());
    }
  }

  /** Copies the child's output to the log; the latch opens at its ready line or its end. */
  private CountDownLatch copyOutput(Process child, String prefix) {
    CountDownLatch readyOrGone = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
          Writer out = Files.newBufferedWriter(log(), StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        out.write("---- child " + prefix + ", pid " + child.pid() + "\n");
        for (String line; (line = in.readLine()) != null; ) {
          if (line.equals(AckingWriter.READY)) {
            readyOrGone.countDown();
          }
          out.write(line + "\n");
          out.flush();
        }
      } catch (IOException e) {
        // the child died mid-line: its output ends here
      } finally {
        readyOrGone.countDown();
      }
    }, "kill-loop-output-" + child.pid());
    t.setDaemon(true);
    t.start();
    return readyOrGone;
  }

  private Path log() {
    return dir.resolve("child.log");
  }

  /** Surefire and failsafe may run tests from a manifest-only jar; the real path is here. */
  private static String classPath() {
    String real = System.getProperty("surefire.test.class.path");
    return real != null && !real.isBlank() ? real : System.getProperty("java.class.path");
  }
}
