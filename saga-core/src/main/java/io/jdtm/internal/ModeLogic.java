package io.jdtm.internal;

import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.List;

/**
 * The rules of one transaction mode, as pure functions of the stored record: what to do next,
 * and how call results change the record. The {@link TxRunner} does the I/O. Implementations are
 * stateless and thread-safe.
 */
interface ModeLogic {
  /** The next step for a record this instance holds the lease on, at {@code now}. */
  Decision next(TxRecord tx, Instant now);

  /** Records the results of a round of calls in {@code update} (branch progress, status). */
  void fold(TxRecord tx, List<Call> calls, Instant now, TxUpdate.Builder update);
}
