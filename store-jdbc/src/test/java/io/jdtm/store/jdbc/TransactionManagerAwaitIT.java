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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code await} and {@code submitAndWait} on a store that stops answering (a proxy blackholes the
 * connection, as a SIGSTOPped database would): each returns within its timeout, although a store
 * call there waits for the socket timeout, ten times longer. Wall time is measured; the bound is a
 * liveness check with room for a slow machine, not a performance goal.
 */
class TransactionManagerAwaitIT {
  /** Connect, pool and socket timeout of the store: ten times the wait. */
  private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration BOUND = TIMEOUT.plusMillis(1500);

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void await_storeStopsAnswering_throwsWithinTheTimeout(String server) {
    try (ProxiedServer p = ProxiedServer.start(server, "await");
        JdbcStore store = p.builder(NETWORK_TIMEOUT, NETWORK_TIMEOUT).build();
        TransactionManager tm = manager(store, p)) {
      String gid = tm.saga().step("ongoing", "ongoing", Map.of()).submit();
      p.proxy().blackhole();

      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> tm.await(gid, TIMEOUT));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("await took").isLessThan(BOUND);
      assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("no status within the timeout");
      p.proxy().reset();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void submitAndWait_storeStopsAnsweringAfterTheCreate_returnsSubmittedWithinTheTimeout(
      String server) {
    try (ProxiedServer p = ProxiedServer.start(server, "await");
        JdbcStore store = p.builder(NETWORK_TIMEOUT, NETWORK_TIMEOUT).build();
        TransactionManager tm = manager(store, p)) {
      long start = System.nanoTime();
      TxResult result = tm.saga("cut-after-create").step("blackhole", "blackhole", Map.of())
          .submitAndWait(TIMEOUT);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("submitAndWait took").isLessThan(BOUND);
      assertThat(result.status()).isEqualTo(TxStatus.SUBMITTED);
      p.proxy().reset();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void submitAndWait_storeNotAnswering_throwsWithinTheTimeout(String server) {
    try (ProxiedServer p = ProxiedServer.start(server, "await");
        JdbcStore store = p.builder(NETWORK_TIMEOUT, NETWORK_TIMEOUT).build();
        TransactionManager tm = manager(store, p)) {
      tm.saga().step("ongoing", "ongoing", Map.of()).submit(); // the pool has a connection
      p.proxy().blackhole();

      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> tm.saga().step("ongoing", "ongoing", Map.of())
          .submitAndWait(TIMEOUT));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("submitAndWait took").isLessThan(BOUND);
      assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("submitting it again is safe");
      p.proxy().reset();
    }
  }

  /** "ongoing" never finishes; "blackhole" stops the network, then succeeds. */
  private static TransactionManager manager(JdbcStore store, ProxiedServer p) {
    return TransactionManager.builder().store(store).shutdownTimeout(Duration.ZERO)
        .handler("ongoing", Map.class, (ctx, m) -> Outcome.ongoing())
        .handler("blackhole", Map.class, (ctx, m) -> {
          p.proxy().blackhole();
          return Outcome.success();
        })
        .build();
  }
}
