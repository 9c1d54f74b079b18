package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReservationsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static TxRecord record(long version) {
    return TxRecord.builder().gid("g").mode(Mode.SAGA).status(TxStatus.SUBMITTED)
        .version(version).createdAt(T0).updatedAt(T0).nextDueAt(T0)
        .options(new TxOptions(null, Duration.ofSeconds(1), -1, Duration.ofSeconds(1), false))
        .branches(List.of()).build();
  }

  @Test
  void hold_claimHandedOverBetweenReleaseAndHold_keepsTheNewerRecord() {
    Reservations r = new Reservations();
    assertThat(r.reserve("g")).isTrue();
    assertThat(r.reserveOrHandOver(record(2))).isFalse();
    TxRecord first = r.release("g");
    assertThat(first.version()).isEqualTo(2);

    assertThat(r.reserveOrHandOver(record(3))).isFalse(); // a claim, before dispatch holds
    r.hold(first);

    assertThat(r.release("g").version()).isEqualTo(3);
    assertThat(r.release("g")).isNull();
  }

  @Test
  void hold_handedOverRecordNotNewer_supersedesIt() {
    Reservations r = new Reservations();
    assertThat(r.reserve("g")).isTrue();
    assertThat(r.reserveOrHandOver(record(1))).isFalse(); // a concurrent submit's copy

    r.hold(record(1));

    assertThat(r.release("g")).isNull();
  }

  @Test
  void reserveOrHandOver_holderDrivesThatVersionAlready_dropsTheRecord() {
    Reservations r = new Reservations();
    r.hold(record(4));

    assertThat(r.reserveOrHandOver(record(4))).isFalse();

    assertThat(r.release("g")).isNull();
    assertThat(r.reserve("g")).isTrue();
  }
}
