package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No password reaches an exception, its stack trace, {@code toString()} or a log line (jdtm's
 * from TRACE up, every library's from DEBUG up), when a child JVM opens stores on a
 * password-protected Redis with a wrong password, on a dead port, and with the right ones.
 * Lettuce's TRACE level is left out on purpose: its protocol encoder then logs every byte it
 * sends, {@code AUTH} included (the README says to keep {@code io.lettuce.core.protocol} below
 * TRACE).
 */
class RedisSecretLeakIT {
  @Test
  void wrongRightAndUnreachable_noPasswordInAnyOutput() throws Exception {
    String password = "Pw-" + Long.toHexString(System.nanoTime()) + "-topsecret";
    String userPassword = "Up-" + Long.toHexString(System.nanoTime()) + "-topsecret";
    RedisServers.Private server = RedisServers.start("leak", List.of("--requirepass", password,
        "--user", "app", "on", ">" + userPassword, "~*", "&*", "+@all"));
    String output;
    try {
      String hostPort = "127.0.0.1:" + server.port();
      output = runProbe(
          "redis://app:" + userPassword + "@" + hostPort + "#jdtm.keyPrefix=leak_",
          "redis://app:" + password + "x@" + hostPort,
          "redis://:" + password + "@127.0.0.1:1#jdtm.connectTimeout=1s");
    } finally {
      server.kill();
    }

    assertThat(output).contains(RedisLeakProbe.SCENARIO + "bad-password threw "
        + "io.jdtm.StoreUnavailableException");
    assertThat(output).contains(RedisLeakProbe.SCENARIO + "unreachable threw "
        + "io.jdtm.StoreUnavailableException");
    assertThat(output).contains(RedisLeakProbe.SCENARIO + "good opened RedisStore[");
    assertThat(output).contains(RedisLeakProbe.SCENARIO + "done");
    assertThat(output).as("Lettuce's DEBUG lines were captured").contains("DEBUG io.lettuce");
    for (String secret : List.of(password, userPassword, "topsecret")) {
      assertThat(output.lines().filter(l -> l.contains(secret)).toList())
          .as("lines showing a password").isEmpty();
    }
  }

  private static String runProbe(String good, String bad, String dead) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
        "-Dorg.slf4j.simpleLogger.log.io.jdtm=trace",
        "-cp", classPath(), RedisLeakProbe.class.getName()));
    Path log = Path.of("target", "redis-leak-probe.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put(RedisLeakProbe.GOOD_URI_ENV, good);
    builder.environment().put(RedisLeakProbe.BAD_URI_ENV, bad);
    builder.environment().put(RedisLeakProbe.DEAD_URI_ENV, dead);
    Process p = builder.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the leak probe did not finish within 2 minutes; see "
          + log.toAbsolutePath());
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Surefire and failsafe may run tests from a manifest-only jar; the real path is here. */
  private static String classPath() {
    String real = System.getProperty("surefire.test.class.path");
    return real != null && !real.isBlank() ? real : System.getProperty("java.class.path");
  }
}
