package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jdtm.Outcome;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.TxResult;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code await} and {@code submitAndWait} on a store that stops answering (a proxy blackholes the
 * connection, as a SIGSTOPped database would): each returns within its timeout, although a store
 * call there waits for the network timeouts, ten times longer. Wall time is measured; the bound is
 * a liveness check with room for a slow machine, not a performance goal.
 */
class TransactionManagerAwaitIT {
  /** Connect, pool and socket timeout of the store: ten times the wait. */
  private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration BOUND = TIMEOUT.plusMillis(1500);

  /** A manager on a store behind a proxy; "ongoing" never finishes, "blackhole" cuts the network. */
  private static final class Rig implements AutoCloseable {
    final ProxiedServer server;
    final JdbcStore store;
    final TransactionManager tm;

    Rig(String name) {
      server = ProxiedServer.start(name, "await");
      store = server.builder(NETWORK_TIMEOUT, NETWORK_TIMEOUT).build();
      tm = TransactionManager.builder().store(store).shutdownTimeout(Duration.ZERO)
          .handler("ongoing", Map.class, (ctx, m) -> Outcome.ongoing())
          .handler("blackhole", Map.class, (ctx, m) -> {
            server.proxy().blackhole();
            return Outcome.success();
          })
          .build();
    }

    @Override
    public void close() {
      server.proxy().reset(); // ends the calls still waiting on the network
      tm.close();
      store.close();
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void await_storeStopsAnswering_throwsWithinTheTimeout(String server) {
    try (Rig rig = new Rig(server)) {
      String gid = rig.tm.saga().step("ongoing", "ongoing", Map.of()).submit();
      rig.server.proxy().blackhole();

      Throwable thrown = catchThrowable(() -> timed("await", () -> rig.tm.await(gid, TIMEOUT)));

      assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("no status within the timeout");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void submitAndWait_storeStopsAnsweringAfterTheCreate_returnsSubmittedWithinTheTimeout(
      String server) {
    try (Rig rig = new Rig(server)) {
      TxResult result = timed("submitAndWait", () -> rig.tm.saga("cut-after-create")
          .step("blackhole", "blackhole", Map.of()).submitAndWait(TIMEOUT));

      assertThat(result.status()).isEqualTo(TxStatus.SUBMITTED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void submitAndWait_storeNotAnswering_throwsWithinTheTimeout(String server) {
    try (Rig rig = new Rig(server)) {
      rig.tm.saga().step("ongoing", "ongoing", Map.of()).submit(); // the pool has a connection
      rig.server.proxy().blackhole();

      Throwable thrown = catchThrowable(() -> timed("submitAndWait",
          () -> rig.tm.saga().step("ongoing", "ongoing", Map.of()).submitAndWait(TIMEOUT)));

      assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("submitting it again is safe");
    }
  }

  /** Runs {@code call}, failing when it took {@link #BOUND} or more, returned or thrown. */
  private static <T> T timed(String what, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } finally {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("%s took", what)
          .isLessThan(BOUND);
    }
  }
}
