package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault-injecting store over {@link MapStore} (store-memory's tests depend on the testkit, so
 * the testkit cannot use MemoryStore; MapStore passes the same contract).
 */
class FaultyStoreTest {
  private static final Instant T0 = ManualClock.DEFAULT_START;

  private final MapStore store = new MapStore();

  private static TxRecord record(String gid) {
    return TestRecords.simple(gid, Mode.SAGA, TxStatus.SUBMITTED, T0, T0.plusSeconds(30));
  }

  /** An update of what {@code store} holds for {@code gid} that moves its due time. */
  private TxUpdate touch(String gid) {
    TxRecord r = store.load(gid).orElseThrow();
    return TestRecords.touch(r, T0, r.nextDueAt().plusSeconds(1));
  }

  private long version(String gid) {
    return store.load(gid).orElseThrow().version();
  }

  @Test
  void ratesZero_everyCallRunsAndNothingIsInjected() {
    FaultyStore faulty = new FaultyStore(store, 1).rates(0, 0, 0);

    assertThat(faulty.create(record("a")).created()).isTrue();
    assertThat(faulty.update(touch("a"))).isTrue();
    assertThat(faulty.load("a")).isPresent();

    assertThat(version("a")).isEqualTo(2);
    for (FaultyStore.Fault f : FaultyStore.Fault.values()) {
      assertThat(faulty.injected(f)).as("%s", f).isZero();
    }
  }

  @Test
  void throwBefore_rateOne_throwsAndChangesNothing() {
    store.create(record("a"));
    FaultyStore faulty = new FaultyStore(store, 1).rates(1, 0, 0);

    assertThatThrownBy(() -> faulty.create(record("b")))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("before create");
    assertThatThrownBy(() -> faulty.update(touch("a")))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("before update");
    assertThatThrownBy(() -> faulty.load("a")).isInstanceOf(StoreUnavailableException.class);

    assertThat(store.load("b")).isEmpty();
    assertThat(version("a")).isEqualTo(1);
    assertThat(faulty.injected(FaultyStore.Fault.THROW_BEFORE)).isEqualTo(3);
  }

  @Test
  void throwAfter_rateOne_appliesTheWriteThenThrows() {
    FaultyStore faulty = new FaultyStore(store, 1).rates(0, 1, 0);

    assertThatThrownBy(() -> faulty.create(record("a")))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("after create of a");
    assertThat(store.load("a")).isPresent();
    assertThatThrownBy(() -> faulty.update(touch("a")))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("after update of a");
    assertThat(version("a")).isEqualTo(2);

    assertThat(faulty.load("a")).isPresent(); // reads change nothing: they never fail "after"
    assertThat(faulty.injected(FaultyStore.Fault.THROW_AFTER)).isEqualTo(2);
  }

  @Test
  void conflict_rateOne_rejectsUpdatesWithoutApplyingThem() {
    store.create(record("a"));
    FaultyStore faulty = new FaultyStore(store, 1).rates(0, 0, 1);

    assertThat(faulty.update(touch("a"))).isFalse();
    assertThat(faulty.apply(List.of(touch("a")))).containsExactly(false);

    assertThat(version("a")).isEqualTo(1);
    assertThat(faulty.create(record("b")).created()).isTrue(); // only updates conflict
    assertThat(faulty.injected(FaultyStore.Fault.CONFLICT)).isEqualTo(2);
  }

  @Test
  void heal_afterRatesOne_stopsEveryFault() {
    ManualClock clock = new ManualClock();
    FaultyStore faulty = new FaultyStore(store, 1).rates(1, 1, 1)
        .delays(1, Duration.ofSeconds(10), clock);

    faulty.heal();

    assertThat(faulty.create(record("a")).created()).isTrue();
    assertThat(faulty.update(touch("a"))).isTrue();
    assertThat(clock.instant()).isEqualTo(T0);
  }

  @Test
  void delaysOnAClock_rateOne_moveTheClockDuringEveryCallAndStillRunIt() {
    ManualClock clock = new ManualClock();
    FaultyStore faulty = new FaultyStore(store, 1).delays(1, Duration.ofSeconds(10), clock);
    List<Duration> steps = new ArrayList<>();

    for (int i = 0; i < 20; i++) {
      Instant before = clock.instant();
      faulty.create(record("g" + i));
      steps.add(Duration.between(before, clock.instant()));
    }

    assertThat(faulty.injected(FaultyStore.Fault.DELAY)).isEqualTo(20);
    assertThat(store.query(TxQuery.all(100)).records()).hasSize(20);
    assertThat(steps).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(10))
        .isEqualTo(Duration.ofMillis(d.toMillis())));
    assertThat(steps.stream().distinct().count()).isGreaterThan(10);
  }

  @Test
  void delaysOnAClock_rateZero_leaveTheClockAlone() {
    ManualClock clock = new ManualClock();
    FaultyStore faulty = new FaultyStore(store, 1).delays(0, Duration.ofSeconds(10), clock);

    faulty.create(record("a"));
    faulty.update(touch("a"));

    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(faulty.injected(FaultyStore.Fault.DELAY)).isZero();
  }

  @Test
  void delaysInRealTime_everyCallIsDelayedAndRuns() {
    FaultyStore faulty = new FaultyStore(store, 1).delays(Duration.ofMillis(2));

    faulty.create(record("a"));
    faulty.update(touch("a"));
    faulty.load("a");

    assertThat(faulty.injected(FaultyStore.Fault.DELAY)).isEqualTo(3);
    assertThat(version("a")).isEqualTo(2);
  }

  @Test
  void sameSeed_sameCalls_sameFaultsAndDelays() {
    List<String> first = trace(42);
    List<String> second = trace(42);

    assertThat(second).isEqualTo(first);
    assertThat(first).contains("ok", "before", "after", "conflict");
    assertThat(trace(43)).isNotEqualTo(first);
  }

  /** What 200 calls at rate 0.3 of every fault did: each call's fault and the clock's moves. */
  private static List<String> trace(long seed) {
    MapStore own = new MapStore();
    ManualClock clock = new ManualClock();
    FaultyStore faulty = new FaultyStore(own, seed).rates(0.3, 0.3, 0.3)
        .delays(0.3, Duration.ofSeconds(5), clock);
    own.create(record("a"));
    List<String> trace = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      TxRecord r = own.load("a").orElseThrow();
      Instant before = clock.instant();
      String outcome;
      try {
        outcome = faulty.update(TestRecords.touch(r, T0, r.nextDueAt().plusSeconds(1)))
            ? "ok" : "conflict";
      } catch (StoreUnavailableException e) {
        outcome = e.getMessage().contains("before") ? "before" : "after";
      }
      trace.add(outcome);
      trace.add(Duration.between(before, clock.instant()).toString());
    }
    return trace;
  }

  @Test
  void rateOutOfRange_isRejectedNamingIt() {
    FaultyStore faulty = new FaultyStore(store, 1);

    assertThatThrownBy(() -> faulty.rates(0, 1.5, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> faulty.delays(-0.1, Duration.ofSeconds(1), new ManualClock()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> faulty.delays(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
  }
}
