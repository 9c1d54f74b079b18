package io.jdtm.benchmarks;

import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Records and updates as the engine writes them, for the store benchmarks. Thread-safe. */
final class Records {
  private static final byte[] PAYLOAD = "{\"amount\":1}".getBytes(StandardCharsets.UTF_8);
  private static final TxOptions OPTIONS =
      new TxOptions(null, Duration.ofSeconds(10), -1, Duration.ofSeconds(3), false);
  private static final String RUN =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final AtomicLong COUNT = new AtomicLong();

  private Records() {}

  /** A gid unique to this run. */
  static String gid() {
    return "b" + RUN + "-" + COUNT.incrementAndGet();
  }

  /** A SUBMITTED saga of {@code steps} steps (an action and a compensation each), due at due. */
  static TxRecord saga(String gid, int steps, Instant now, Instant due) {
    List<BranchRecord> branches = new ArrayList<>(2 * steps);
    for (int i = 1; i <= steps; i++) {
      String id = Integer.toString(i);
      branches.add(BranchRecord.prepared(id, BranchOp.ACTION, "act", PAYLOAD, List.of()));
      branches.add(BranchRecord.prepared(id, BranchOp.COMPENSATE, "undo", PAYLOAD, List.of()));
    }
    return TxRecord.builder().gid(gid).mode(Mode.SAGA).status(TxStatus.SUBMITTED)
        .createdAt(now).updatedAt(now).nextDueAt(due).options(OPTIONS).branches(branches)
        .build();
  }

  /** A saga of 3 steps, due in an hour: nothing claims it while it is written. */
  static TxRecord saga(String gid) {
    Instant now = Instant.now();
    return saga(gid, 3, now, now.plus(Duration.ofHours(1)));
  }

  /**
   * The engine's most common write, made as the engine makes it (against the record it holds, so
   * the store writes without reading first): the next version, a new due time, nothing else.
   */
  static TxUpdate touch(TxRecord base) {
    Instant now = Instant.now();
    return TxUpdate.against(base).updatedAt(now).nextDueAt(now.plus(Duration.ofHours(1)))
        .build();
  }
}
