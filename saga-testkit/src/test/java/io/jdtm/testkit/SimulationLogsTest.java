package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A short simulation in a child JVM whose logging backend prints INFO, with neither JUnit nor
 * AssertJ on the class path (saga-testkit does not force them on users).
 */
class SimulationLogsTest {
  private static final Pattern TEST_LIBRARIES =
      Pattern.compile(".*(junit|assertj|opentest4j|apiguardian|surefire).*");
  private static final Pattern ENGINE_LINE = Pattern.compile("(INFO|WARN|ERROR) io\\.jdtm\\.");

  @Test
  void run_defaultSettings_logsNoEngineLineAtInfoOrAbove() throws Exception {
    Child child = run("quiet");

    assertThat(child.status()).as(child.output()).isZero();
    assertThat(child.output()).contains("5 chains");
    assertThat(engineLines(child.output())).isEmpty();
  }

  @Test
  void run_quietLogsOff_logsTheManagersLinesAsUsual() throws Exception {
    Child child = run("verbose");

    assertThat(child.status()).as(child.output()).isZero();
    assertThat(engineLines(child.output())).hasSizeGreaterThan(10);
  }

  private static List<String> engineLines(String output) {
    return output.lines().filter(l -> ENGINE_LINE.matcher(l).find()).toList();
  }

  private record Child(int status, String output) {}

  private static Child run(String logs) throws Exception {
    String classPath = Arrays.stream(System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")).split(File.pathSeparator))
        .filter(entry -> !TEST_LIBRARIES.matcher(entry).matches())
        .collect(Collectors.joining(File.pathSeparator));
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", classPath,
        SimulationRunMain.class.getName(), logs).redirectErrorStream(true).start();
    try (InputStream out = process.getInputStream()) {
      String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
      return new Child(process.exitValue(), output);
    } finally {
      process.destroyForcibly();
    }
  }
}
