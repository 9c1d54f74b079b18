package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.testkit.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BranchCodecTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String SECRET = "secret-payload-77";

  private static List<BranchRecord> sample() {
    List<BranchRecord> list = new ArrayList<>(TestRecords.saga("c", T0, T0).branches());
    BranchRecord b = list.get(2);
    list.set(2, new BranchRecord(b.branchId(), b.op(), b.target(), b.payload(),
        List.of("01", "", "ä,\\"), BranchStatus.FAILED, 300, 7, T0.plusMillis(1234),
        "boom ∑ " + "x".repeat(500)));
    for (BranchOp op : BranchOp.values()) {
      list.add(new BranchRecord("id-" + op, op, "handler:" + op, new byte[200_000], List.of(),
          BranchStatus.SUCCEEDED, Integer.MAX_VALUE, 0, Instant.ofEpochMilli(-5), ""));
    }
    return list;
  }

  @Test
  void branchesAndProgress_everyField_roundTrip() {
    List<BranchRecord> branches = sample();
    assertThat(BranchCodec.read(BranchCodec.branches(branches), BranchCodec.progress(branches)))
        .isEqualTo(branches);
    assertThat(BranchCodec.read(BranchCodec.branches(List.of()), BranchCodec.progress(List.of())))
        .isEmpty();
  }

  @Test
  void read_valuesThatDoNotParse_nameTheColumnNeverThePayload() {
    List<BranchRecord> branches = List.of(BranchRecord.prepared("01", BranchOp.ACTION,
        "handler:x", SECRET.getBytes(StandardCharsets.UTF_8), List.of()));
    byte[] defs = BranchCodec.branches(branches);
    byte[] progress = BranchCodec.progress(branches);

    assertThat(problem(new byte[] {9, 0}, progress)).startsWith("branches holds format version 9");
    assertThat(problem(defs, new byte[] {1, 2})).startsWith("progress holds 2 branch ops");
    assertThat(problem(Arrays.copyOf(defs, defs.length - 3), progress))
        .startsWith("branches is truncated");
    assertThat(problem(defs, Arrays.copyOf(progress, progress.length + 1)))
        .startsWith("progress has 1 bytes after its end");
    byte[] badStatus = progress.clone();
    badStatus[2] = 42;
    assertThat(problem(defs, badStatus)).startsWith("progress holds an unknown branch status");
    assertThat(problem(new byte[0], progress)).isEqualTo("branches is empty");
    byte[] huge = {1, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    assertThat(problem(huge, huge)).as("a count no value can hold is refused, not allocated")
        .startsWith("branches names 2147483632 branch ops but holds 0 bytes");
    assertThat(problem(null, progress)).isEqualTo("branches is null");
  }

  private static String problem(byte[] defs, byte[] progress) {
    StoredValues.BadValue e = catchThrowableOfType(() -> BranchCodec.read(defs, progress),
        StoredValues.BadValue.class);
    assertThat(e).as("a value that does not parse").isNotNull();
    assertThat(e.getMessage()).doesNotContain(SECRET);
    return e.getMessage();
  }
}
