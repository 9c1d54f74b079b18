package io.jdtm.testkit;

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
import java.util.List;

/** Ready-made records and updates for store tests. Thread-safe (stateless). */
public final class TestRecords {
  /** Options with every field set to a non-default value. */
  public static final TxOptions OPTIONS =
      new TxOptions(Duration.ofMinutes(5), Duration.ofSeconds(7), 3, Duration.ofMillis(2500), true);

  private TestRecords() {}

  /**
   * A two-step SUBMITTED saga record, version 1, epoch 1, leased to {@code owner}, due at {@code
   * due}, created {@code now}.
   */
  public static TxRecord saga(String gid, Instant now, Instant due) {
    byte[] binary = {0, 1, 2, (byte) 0xFF, (byte) 0xFE, '"', '\\', '\n'};
    byte[] json = "{\"account\":\"Ä-1\",\"amount\":30}".getBytes(StandardCharsets.UTF_8);
    return TxRecord.builder()
        .gid(gid)
        .mode(Mode.SAGA)
        .status(TxStatus.SUBMITTED)
        .version(1)
        .leaseOwner("owner-1")
        .leaseEpoch(1)
        .nextDueAt(due)
        .createdAt(now)
        .updatedAt(now)
        .customData("custom ∑ data")
        .options(OPTIONS)
        .branches(List.of(
            BranchRecord.prepared("01", BranchOp.ACTION, "handler:debit", json, List.of()),
            BranchRecord.prepared("01", BranchOp.COMPENSATE, "handler:credit", json, List.of()),
            BranchRecord.prepared("02", BranchOp.ACTION, "http://127.0.0.1:1/x?a=b", binary,
                List.of("01")),
            BranchRecord.prepared("02", BranchOp.COMPENSATE, "http://127.0.0.1:1/y", binary,
                List.of())))
        .build();
  }

  /** A minimal record of {@code mode} and {@code status}, created and due at the given times. */
  public static TxRecord simple(String gid, Mode mode, TxStatus status, Instant created,
      Instant due) {
    return TxRecord.builder()
        .gid(gid)
        .mode(mode)
        .status(status)
        .version(1)
        .leaseEpoch(0)
        .nextDueAt(status.isTerminal() ? null : due)
        .createdAt(created)
        .updatedAt(created)
        .options(new TxOptions(null, Duration.ofSeconds(10), -1, Duration.ofSeconds(10), false))
        .branches(List.of(BranchRecord.prepared(
            "01", BranchOp.ACTION, "handler:noop", new byte[] {'1'}, List.of())))
        .build();
  }

  /** An update of {@code r} that only moves its due time. */
  public static TxUpdate touch(TxRecord r, Instant now, Instant due) {
    return TxUpdate.builder(r.gid(), r.version()).updatedAt(now).nextDueAt(due).build();
  }

  /**
   * An update of {@code r} to a terminal status; {@code r} must be able to move there in one step
   * (SUBMITTED to SUCCEEDED, ABORTING to FAILED).
   */
  public static TxUpdate finish(TxRecord r, TxStatus terminal, Instant now) {
    return TxUpdate.builder(r.gid(), r.version())
        .status(terminal).updatedAt(now).nextDueAt(null).build();
  }
}
