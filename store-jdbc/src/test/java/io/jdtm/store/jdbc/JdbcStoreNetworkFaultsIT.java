package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.TestRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Store calls through a proxy that slows, blackholes and resets the network. */
class JdbcStoreNetworkFaultsIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration CONNECT = Duration.ofSeconds(1);
  private static final Duration SOCKET = Duration.ofSeconds(1);
  /** A silent network costs a call about connect + socket timeout; asserted with room to spare. */
  private static final Duration BOUND = CONNECT.plus(SOCKET).multipliedBy(3);

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void calls_slowNetwork_areSlowerButCorrect(String server) {
    try (ProxiedServer p = ProxiedServer.start(server, "latency");
        JdbcStore store = p.builder(CONNECT, SOCKET).build()) {
      TxRecord r = TestRecords.saga("lat-1", T0, T0);
      store.create(r);
      p.proxy().latency(Duration.ofMillis(50));

      long start = System.nanoTime();
      assertThat(store.load("lat-1")).contains(r);
      assertThat(since(start)).as("one round trip, 50 ms each way")
          .isGreaterThanOrEqualTo(Duration.ofMillis(100));
      assertThat(store.update(TestRecords.touch(r, T0.plusSeconds(1), T0.plusSeconds(2))))
          .isTrue();
      assertThat(store.claimDue(T0.plusSeconds(3), "owner-2", Duration.ofSeconds(30), 10))
          .extracting(TxRecord::gid, TxRecord::leaseOwner).containsExactly(
              org.assertj.core.groups.Tuple.tuple("lat-1", "owner-2"));
      assertThat(store.query(TxQuery.all(10)).records()).extracting(TxRecord::version)
          .containsExactly(3L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void calls_blackholedNetwork_failWithStoreUnavailableWithinTheBound(String server) {
    try (ProxiedServer p = ProxiedServer.start(server, "blackhole");
        JdbcStore store = p.builder(CONNECT, SOCKET).build()) {
      TxRecord r = TestRecords.saga("hole-1", T0, T0);
      store.create(r);
      p.proxy().blackhole();

      Throwable first = everyCallFailsWithinTheBound(store, r);
      p.proxy().heal();

      assertThat(SqlErrors.find(first)).as("the cause of the first failure")
          .hasValueSatisfying(e -> assertThat(e.getSQLState()).startsWith("08"));
      assertThat(eventually(() -> store.load("hole-1"))).contains(r);
      assertWorks(store, r);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void calls_connectionsReset_failThenSucceedOnceHealed(String server) {
    try (ProxiedServer p = ProxiedServer.start(server, "reset");
        JdbcStore store = p.builder(CONNECT, SOCKET).build()) {
      TxRecord r = TestRecords.saga("reset-1", T0, T0);
      store.create(r);
      p.proxy().reset();

      Throwable first = everyCallFailsWithinTheBound(store, r);
      p.proxy().heal();

      assertThat(SqlErrors.find(first)).as("the cause of the first failure")
          .hasValueSatisfying(e -> assertThat(e.getSQLState()).startsWith("08"));
      assertThat(eventually(() -> store.load("reset-1"))).contains(r);
      assertWorks(store, r);
    }
  }

  /** Returns what the first call threw. */
  private static Throwable everyCallFailsWithinTheBound(JdbcStore store, TxRecord r) {
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put("create", () -> store.create(TestRecords.saga("other-1", T0, T0)));
    calls.put("load", () -> store.load(r.gid()));
    calls.put("update", () -> store.update(TestRecords.touch(r, T0, T0.plusSeconds(1))));
    calls.put("claimDue", () -> store.claimDue(T0.plusSeconds(5), "o", Duration.ofSeconds(9), 5));
    calls.put("query", () -> store.query(TxQuery.all(10)));
    calls.put("purge", () -> store.purge(T0));
    List<Throwable> thrown = new ArrayList<>();
    calls.forEach((name, call) -> {
      long start = System.nanoTime();
      Throwable t = catchThrowable(call::run);
      Duration took = since(start);
      System.out.println(name + " failed after " + took.toMillis() + " ms: " + t);
      assertThat(t).as(name).isInstanceOf(StoreUnavailableException.class);
      assertThat(took).as("%s failed within %s", name, BOUND).isLessThan(BOUND);
      thrown.add(t);
    });
    return thrown.get(0);
  }

  /** After healing, every kind of call works again, several times over. */
  private static void assertWorks(JdbcStore store, TxRecord r) {
    for (int i = 0; i < 5; i++) {
      TxRecord current = store.load(r.gid()).orElseThrow();
      assertThat(store.update(TestRecords.touch(current, T0, T0.plusSeconds(i)))).isTrue();
    }
    TxRecord fresh = TestRecords.saga("after-" + r.gid(), T0, T0);
    assertThat(store.create(fresh).created()).isTrue();
    assertThat(store.query(TxQuery.all(10).withStatuses(java.util.Set.of(TxStatus.SUBMITTED)))
        .records()).extracting(TxRecord::gid).contains(r.gid(), fresh.gid());
  }

  /** Calls {@code call} until it stops failing with StoreUnavailableException (bounded). */
  private static <T> T eventually(Supplier<T> call) {
    long deadline = System.nanoTime() + BOUND.multipliedBy(2).toNanos();
    while (true) {
      try {
        return call.get();
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
