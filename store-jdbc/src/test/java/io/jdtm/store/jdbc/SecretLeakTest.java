package io.jdtm.store.jdbc;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No password (H2's {@code PASSWORD=} in the URL, or given as credentials) and no payload byte
 * reaches an exception, its causes or a log line at any level, when H2 refuses a connection or a
 * write inside the batch. See {@link SecretLeakIT} for PostgreSQL, MariaDB and MySQL URLs.
 */
class SecretLeakTest {
  @TempDir
  Path dir;

  @Test
  void connectAndWriteFailures_h2_noSecretOrPayloadInAnyOutput() throws Exception {
    LeakProbeRun.assertNoLeak(LeakProbeRun.run(List.of("h2", dir.toString()), ""), "h2");
  }
}
