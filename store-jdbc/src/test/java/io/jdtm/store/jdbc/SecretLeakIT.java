package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No password (in URL user info, {@code password=} or {@code sslpassword=}, or given as
 * credentials) and no payload byte (also as hex, as PostgreSQL shows bytea) reaches an exception,
 * its causes or a log line at any level: connect failures (refused credentials, a closed port, an
 * unreachable host) and creates refused inside the batch by a CHECK constraint, standing in for a
 * full disk, on PostgreSQL and MariaDB, with {@code jdbc:mysql:} URLs too.
 */
class SecretLeakIT {
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void connectAndWriteFailures_noSecretOrPayloadInAnyOutput(String kind) throws Exception {
    Supplier<TestServers.Server> server =
        kind.equals("postgres") ? TestServers::postgres : TestServers::mariadb;
    ServerTables tables = new ServerTables(server, "leak");
    tables.emptyStore().close();
    try {
      tables.execute(LeakProbe.check(tables.prefix()));
      TestServers.Server s = tables.server();

      String output = LeakProbeRun.run(List.of(kind, s.url(), s.user(), tables.prefix()),
          s.password());

      assertThat(output).contains(LeakProbe.SCENARIO + "count " + LeakProbe.names(kind).size());
      LeakProbeRun.assertNoLeak(output, kind);
    } finally {
      tables.drop();
    }
  }
}
