package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LeakProbe} in a child JVM whose logger (slf4j-simple, the tests' backend) writes
 * every level from TRACE up, and checks all it printed. Thread-safe (stateless).
 */
final class LeakProbeRun {
  private LeakProbeRun() {}

  /**
   * Everything the probe printed (standard output and error, and every log line), also written to
   * {@code target/leak-probe-<first argument>.log}.
   */
  static String run(List<String> args, String serverPassword)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
        "-Dorg.slf4j.simpleLogger.log.io.jdtm=trace",
        "-cp", classPath(), LeakProbe.class.getName()));
    command.addAll(args);
    Path log = Path.of("target", "leak-probe-" + args.get(0) + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put(LeakProbe.PASSWORD_ENV, serverPassword);
    Process p = builder.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the leak probe did not finish within 3 minutes; see "
          + log.toAbsolutePath());
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Surefire and failsafe may run tests from a manifest-only jar; the real path is here. */
  private static String classPath() {
    String real = System.getProperty("surefire.test.class.path");
    return real != null && !real.isBlank() ? real : System.getProperty("java.class.path");
  }

  /**
   * Checks that every scenario of {@code kind} ran and threw a store exception, that TRACE and
   * DEBUG lines were written, and that nothing shows the secret or the payload, as text or hex.
   */
  static void assertNoLeak(String output, String kind) {
    for (String name : LeakProbe.names(kind)) {
      assertThat(output).as("scenario " + name + " in:\n" + output)
          .contains(LeakProbe.SCENARIO + name + " threw io.jdtm.StoreUnavailableException");
    }
    assertThat(output).as("the pool's DEBUG lines were captured")
        .contains("DEBUG com.zaxxer.hikari");
    String hex = HexFormat.of().formatHex(LeakProbe.MARKER.getBytes(StandardCharsets.UTF_8));
    for (String leak : List.of(LeakProbe.SECRET, LeakProbe.MARKER, hex,
        hex.toUpperCase(Locale.ROOT))) {
      assertThat(output.lines().filter(l -> l.contains(leak)).toList())
          .as("lines showing " + leak).isEmpty();
    }
  }
}
