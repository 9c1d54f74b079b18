package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Passes of the recovery loop run one by one (never started, so no timer and no real time). */
class RecoveryLoopBackoffTest {
  private static final Duration POLL = Duration.ofSeconds(1);

  /** A loop whose claims answer, in turn, by running the given suppliers. */
  private static RecoveryLoop loop(Deque<Supplier<List<TxRecord>>> claims) {
    return new RecoveryLoop("n1", POLL, () -> 0.5 /* no jitter */, 64, 1024, () -> 10,
        limit -> claims.pop().get(), r -> true, rs -> { });
  }

  @Test
  void tick_claimThrowsAnError_backsOffLikeOnAStoreFailureAndRecovers() {
    Deque<Supplier<List<TxRecord>>> claims = new ArrayDeque<>(List.of(
        () -> {
          throw new AssertionError("store invariant broken");
        },
        () -> {
          throw new OutOfMemoryError("Java heap space");
        },
        () -> {
          throw new StoreUnavailableException("down", null);
        },
        List::of));
    RecoveryLoop loop = loop(claims);

    assertThat(loop.pass()).isEqualTo(2_000);
    assertThat(loop.pass()).isEqualTo(4_000);
    assertThat(loop.pass()).isEqualTo(8_000);
    assertThat(loop.pass()).isEqualTo(1_000);
    assertThat(loop.nextDelayMillis()).isEqualTo(1_000);
    assertThat(claims).isEmpty();
  }
}
