package io.jdtm.internal;

import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import java.time.Instant;
import java.util.List;

/** What a mode's logic wants done next with a transaction. Immutable and thread-safe. */
sealed interface Decision {
  /** Move the global status. */
  record Transition(TxStatus to, String reason) implements Decision {}

  /** Call these branch ops now (concurrently when more than one). */
  record Calls(List<BranchRecord> branches) implements Decision {}

  /** Nothing to do before {@code until}; {@code null} means nothing to do at all. */
  record Wait(Instant until) implements Decision {}
}
