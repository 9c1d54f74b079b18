package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How the recovery loop paces its passes: at once after a full batch, a poll interval after a
 * short one, and as soon as room frees when the engine is full.
 */
class RecoveryLoopPacingTest {
  private static final Duration POLL = Duration.ofSeconds(1);
  /** Long enough that a test passing within it can only have been woken. */
  private static final Duration HOUR = Duration.ofHours(1);
  private static final int BATCH = 4;
  private static final int MAX_IN_FLIGHT = 16;

  /** Claims answered from a backlog of due records; records which limits were asked for. */
  private static final class Backlog {
    final List<Integer> limits = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger left;

    Backlog(int size) {
      left = new AtomicInteger(size);
    }

    List<TxRecord> claim(int limit) {
      limits.add(limit);
      List<TxRecord> out = new ArrayList<>();
      while (out.size() < limit && left.getAndDecrement() > 0) {
        out.add(record(left.get()));
      }
      return out;
    }
  }

  private static TxRecord record(int i) {
    Instant t = Instant.EPOCH;
    return TxRecord.builder().gid("g-" + i).mode(Mode.SAGA).status(TxStatus.SUBMITTED)
        .createdAt(t).updatedAt(t).nextDueAt(t)
        .options(new TxOptions(null, Duration.ofSeconds(1), -1, Duration.ofSeconds(1), false))
        .build();
  }

  private static RecoveryLoop loop(Duration poll, AtomicInteger inFlight, Backlog backlog) {
    return new RecoveryLoop("n1", poll, () -> 0.5 /* no jitter */, BATCH, MAX_IN_FLIGHT,
        () -> MAX_IN_FLIGHT - inFlight.get(), backlog::claim, r -> inFlight.incrementAndGet() > 0,
        rs -> { });
  }

  @Test
  void pass_fullBatchWithRoomLeft_nextPassAtOnce() {
    Backlog backlog = new Backlog(10);
    RecoveryLoop loop = loop(POLL, new AtomicInteger(), backlog);

    assertThat(loop.pass()).isZero();
    assertThat(loop.pass()).isZero();
    assertThat(backlog.limits).containsExactly(BATCH, BATCH);
  }

  @Test
  void pass_shortBatch_nextPassAfterThePollInterval() {
    Backlog backlog = new Backlog(BATCH + 1);
    RecoveryLoop loop = loop(POLL, new AtomicInteger(), backlog);

    assertThat(loop.pass()).isZero();
    assertThat(loop.pass()).isEqualTo(POLL.toMillis());
    assertThat(loop.pass()).isEqualTo(POLL.toMillis()); // empty
    assertThat(backlog.limits).containsExactly(BATCH, BATCH, BATCH);
  }

  @Test
  void pass_engineAlmostFull_claimsOnlyWhatFitsThenWaitsForRoom() {
    Backlog backlog = new Backlog(100);
    AtomicInteger inFlight = new AtomicInteger(MAX_IN_FLIGHT - 2);
    RecoveryLoop loop = loop(POLL, inFlight, backlog);

    assertThat(loop.pass()).isEqualTo(RecoveryLoop.AWAIT_ROOM);
    assertThat(inFlight).hasValue(MAX_IN_FLIGHT);
    assertThat(loop.pass()).isEqualTo(RecoveryLoop.AWAIT_ROOM);
    assertThat(backlog.limits).containsExactly(2); // a full engine is not asked to claim
  }

  @Test
  void started_engineFull_claimsAgainAsSoonAsRoomFrees() {
    Backlog backlog = new Backlog(100);
    AtomicInteger inFlight = new AtomicInteger();
    RecoveryLoop loop = loop(HOUR, inFlight, backlog);
    try {
      loop.start();
      // The first pass runs at once and goes on while batches come back full: the engine fills.
      await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == MAX_IN_FLIGHT);
      assertThat(backlog.limits).containsOnly(BATCH).hasSize(MAX_IN_FLIGHT / BATCH);

      inFlight.addAndGet(-1);
      loop.roomFreed(); // one free slot is less than a batch: the loop keeps waiting
      inFlight.addAndGet(-(BATCH - 1));
      loop.roomFreed();

      // Woken, not polled: the poll interval is an hour.
      await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == MAX_IN_FLIGHT);
      assertThat(backlog.limits).containsOnly(BATCH).hasSize(MAX_IN_FLIGHT / BATCH + 1);
    } finally {
      loop.stop();
    }
  }
}
