package io.jdtm.it.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker ({@link TransferWorker}, {@link XaTransferWorker}) in its own JVM (this JVM's {@code
 * java} and class path), its output appended to a log file; says when the worker is ready, and
 * kills it with SIGKILL. Not thread-safe: one test thread drives it.
 */
final class WorkerProcess {
  /** Exit status of a process killed by SIGKILL: 128 + 9. */
  static final int SIGKILL_EXIT = 137;

  private final Process process;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Path log;
  private final long startNanos = System.nanoTime();

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a worker with {@code args}; {@code password} goes into its environment, never onto its
   * command line.
   */
  static WorkerProcess start(Path log, String password, Iterable<String> args)
      throws IOException {
    return start(TransferWorker.class, log, Map.of(TransferWorker.PASSWORD_ENV, password), args);
  }

  /**
   * Starts {@code main} (a class with a {@code main} method that prints {@value
   * TransferWorker#READY} once ready) with {@code args}; secrets go into its environment ({@code
   * env}), never onto its command line.
   */
  static WorkerProcess start(Class<?> main, Path log, Map<String, String> env,
      Iterable<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Small and quick to start: the test starts many of these on a small machine.
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classPath(), main.getName()));
    args.forEach(command::add);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    WorkerProcess worker = new WorkerProcess(p, log);
    Thread t = new Thread(worker::copyOutput, "worker-output-" + p.pid());
    t.setDaemon(true);
    t.start();
    return worker;
  }

  /** Surefire and failsafe may run tests from a manifest-only jar; the real path is here. */
  private static String classPath() {
    String real = System.getProperty("surefire.test.class.path");
    return real != null && !real.isBlank() ? real : System.getProperty("java.class.path");
  }

  private void copyOutput() {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write("---- worker pid " + process.pid() + "\n");
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals(TransferWorker.READY)) {
          ready.countDown();
          line += " after " + Duration.ofNanos(System.nanoTime() - startNanos).toMillis() + " ms";
        }
        out.write(line);
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      // the process died mid-line: its output ends here
    }
  }

  /** Waits until the worker says it is ready; false on timeout or when it exited first. */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.await(50, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        return false;
      }
    }
    return true;
  }

  /** Lets it run for {@code time} of real time; false when it exited meanwhile. */
  boolean runFor(Duration time) throws InterruptedException {
    return !process.waitFor(time.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Kills it with SIGKILL (on Linux) and returns its exit status. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    return awaitExit(Duration.ofSeconds(10));
  }

  /**
   * Waits for it to exit; kills it when {@code timeout} passes first.
   *
   * @return the exit status
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("worker " + process.pid() + " did not exit within " + timeout
          + "; see " + log.toAbsolutePath());
    }
    return process.exitValue();
  }

  /** Kills it if it still runs (cleanup after a failure). */
  void destroy() {
    process.destroyForcibly();
  }

  long pid() {
    return process.pid();
  }
}
