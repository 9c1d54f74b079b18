package io.jdtm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.IllegalTransitionException;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxRecordTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static TxRecord record(TxStatus status, BranchStatus branch) {
    BranchRecord b = new BranchRecord("01", BranchOp.ACTION, "handler:x", new byte[] {'1'},
        List.of(), branch, 1, 0, null, null);
    return TxRecord.builder().gid("g").mode(Mode.SAGA).status(status).version(3)
        .createdAt(T0).updatedAt(T0).nextDueAt(T0)
        .options(new TxOptions(null, Duration.ofSeconds(1), -1, Duration.ofSeconds(1), false))
        .branches(List.of(b)).build();
  }

  private static TxUpdate.Builder update() {
    return TxUpdate.builder("g", 3).updatedAt(T0).nextDueAt(T0);
  }

  @Test
  void applying_bumpsVersionAndReplacesProgress() {
    TxRecord r = record(TxStatus.SUBMITTED, BranchStatus.PREPARED);

    TxRecord next = r.applying(update().branch(new BranchUpdate("01", BranchOp.ACTION,
        BranchStatus.SUCCEEDED, 2, 0, null, null)).build());

    assertThat(next.version()).isEqualTo(4);
    assertThat(next.branch("01", BranchOp.ACTION).orElseThrow().attempts()).isEqualTo(2);
  }

  @Test
  void applying_finishedBranchGoingBack_isAnIllegalTransition() {
    TxRecord r = record(TxStatus.SUBMITTED, BranchStatus.SUCCEEDED);

    assertThatThrownBy(() -> r.applying(update().branch(new BranchUpdate("01", BranchOp.ACTION,
        BranchStatus.PREPARED, 0, 0, null, null)).build()))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("SUCCEEDED -> PREPARED");
  }

  @Test
  void applying_statusOffTheTableOrOnATerminalRecord_isAnIllegalTransition() {
    assertThatThrownBy(() -> record(TxStatus.SUBMITTED, BranchStatus.PREPARED)
        .applying(update().status(TxStatus.PREPARED).build()))
        .isInstanceOf(IllegalTransitionException.class);
    assertThatThrownBy(() -> record(TxStatus.FAILED, BranchStatus.PREPARED)
        .applying(update().build()))
        .isInstanceOf(IllegalTransitionException.class);
  }

  @Test
  void applying_wrongVersionOrUnknownBranch_isRejected() {
    TxRecord r = record(TxStatus.SUBMITTED, BranchStatus.PREPARED);

    assertThatThrownBy(() -> r.applying(TxUpdate.builder("g", 2).updatedAt(T0).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.applying(update().branch(new BranchUpdate("07",
        BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null, null)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("07/action");
  }
}
