package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command a missing-schema error prints, run exactly as printed in a child JVM whose class path
 * holds store-jdbc's own classes and resources and nothing else (what {@code store-jdbc.jar} is).
 */
class JdbcSchemaCommandTest {
  private static final Pattern PRINTED =
      Pattern.compile("'(java -cp store-jdbc\\.jar\\Ssaga-core\\.jar [^']+)' prints");

  @Test
  void build_missingStoreSchema_printedCommandPrintsTheDdlWithTheStoreAndCoreJars() throws Exception {
    Throwable missing = catchThrowable(() -> JdbcStore.builder().url(H2Stores.memoryUrl()).build());

    Result result = runAsPrinted(missing.getMessage());

    assertThat(result.output()).isEqualTo(JdbcSchema.ddl("h2", "jdtm_"));
    assertThat(result.status()).isZero();
  }

  @Test
  void build_missingBarrierTable_printedCommandPrintsTheDdlWithTheStoreAndCoreJars()
      throws Exception {
    Throwable missing = catchThrowable(
        () -> JdbcBarrier.builder().url(H2Stores.memoryUrl()).tablePrefix("pay_").build());

    Result result = runAsPrinted(missing.getMessage());

    assertThat(result.output()).isEqualTo(JdbcSchema.barrierDdl("h2", "pay_"));
    assertThat(result.status()).isZero();
  }

  private record Result(int status, String output) {}

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** Runs the quoted command with {@code java} and both jars resolved. */
  private static Result runAsPrinted(String message) throws Exception {
    Matcher m = PRINTED.matcher(message);
    assertThat(m.find()).as("a printed command in: %s", message).isTrue();
    List<String> command = new ArrayList<>(List.of(m.group(1).split(" ")));
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.set(2, jarOf(JdbcSchema.class) + java.io.File.pathSeparator
        + jarOf(io.jdtm.spi.BarrierTables.class));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (InputStream out = process.getInputStream()) {
      String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      return new Result(process.exitValue(), output);
    } finally {
      process.destroyForcibly();
    }
  }
}
