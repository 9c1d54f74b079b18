package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private static final Instant T0 = ManualClock.DEFAULT_START;

  /** The hash of {@code r} as the create script writes it, as HGETALL returns it. */
  private static List<Object> hash(TxRecord r) {
    List<Object> f = new ArrayList<>();
    put(f, "v", RecordCodec.number(r.version()));
    put(f, "s", RecordCodec.status(r.status()));
    put(f, "e", RecordCodec.number(r.leaseEpoch()));
    if (r.leaseOwner() != null) {
      put(f, "o", r.leaseOwner().getBytes(StandardCharsets.UTF_8));
    }
    if (r.nextDueAt() != null) {
      put(f, "n", RecordCodec.millis(r.nextDueAt()));
    }
    put(f, "c", RecordCodec.millis(r.createdAt()));
    put(f, "u", RecordCodec.millis(r.updatedAt()));
    put(f, "d", RecordCodec.definition(r));
    put(f, "p", RecordCodec.progress(r));
    return f;
  }

  private static void put(List<Object> f, String name, byte[] value) {
    f.add(name.getBytes(StandardCharsets.US_ASCII));
    f.add(value);
  }

  private static List<Object> with(List<Object> hash, String field, byte[] value) {
    List<Object> copy = new ArrayList<>(hash);
    for (int i = 0; i < copy.size(); i += 2) {
      if (Arrays.equals((byte[]) copy.get(i), field.getBytes(StandardCharsets.US_ASCII))) {
        if (value == null) {
          copy.remove(i);
          copy.remove(i);
        } else {
          copy.set(i + 1, value);
        }
        return copy;
      }
    }
    put(copy, field, value);
    return copy;
  }

  @Test
  void roundTrip_keepsEveryField() {
    TxRecord saga = TestRecords.saga("rt-1", T0, T0.plusSeconds(3));
    TxRecord done = TestRecords.simple("rt-2", Mode.TCC, TxStatus.FAILED, T0, null).toBuilder()
        .reason("why ∑").leaseOwner(null).customData(null)
        .branches(List.of(new BranchRecord("b", BranchOp.TRY, "handler:t", new byte[0],
            List.of(), BranchStatus.FAILED, 3, 2, T0.plusMillis(7), "boom")))
        .build();

    assertThat(RecordCodec.read("rt-1", hash(saga))).isEqualTo(saga);
    assertThat(RecordCodec.read("rt-2", hash(done))).isEqualTo(done);
  }

  @Test
  void corruptValues_throwNamingTheFieldAndProblem() {
    List<Object> good = hash(TestRecords.saga("c-1", T0, T0));
    byte[] d = RecordCodec.definition(TestRecords.saga("c-1", T0, T0));

    assertBad(with(good, "v", null), "field v is missing");
    assertBad(with(good, "v", bytes("0")), "field v holds 0; it must be at least 1");
    assertBad(with(good, "e", bytes("-1")), "field e holds -1");
    assertBad(with(good, "c", bytes("12x")), "field c holds '12x', not a decimal number");
    assertBad(with(good, "u", bytes("1234567890123456789012")), "field u holds 22 bytes");
    assertBad(with(good, "s", bytes("DONE")), "field s holds 'DONE', not one of");
    assertBad(with(good, "d", new byte[0]), "field d is empty");
    assertBad(with(good, "d", new byte[] {9}), "field d holds format version 9");
    assertBad(with(good, "d", new byte[] {1, 99}), "field d holds an unknown mode code 99");
    assertBad(with(good, "d", Arrays.copyOf(d, d.length - 3)), "field d is truncated");
    assertBad(with(good, "d", Arrays.copyOf(d, d.length + 1)), "field d has 1 bytes after");
    assertBad(with(good, "p", new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}),
        "field p names 268435455 branch ops but holds 0 bytes");
    assertBad(with(good, "p", new byte[] {1, 0, 1, 1, 0, 0, 0}),
        "field p holds 1 branch ops, but d holds 4");
    assertBad(with(good, "p", new byte[] {1, 5}), "field p holds an unknown text flag 5");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void assertBad(List<Object> hash, String message) {
    assertThatThrownBy(() -> RecordCodec.read("c-1", hash))
        .isInstanceOf(RecordCodec.BadRecord.class).hasMessageContaining(message);
  }
}
