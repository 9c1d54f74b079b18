package io.jdtm;

import java.util.List;

/**
 * What one {@link TransactionManager#runRecoveryPass()} did: the gids it claimed and drove, in
 * claim order. Immutable and thread-safe.
 *
 * @param gids the transactions claimed in this pass
 */
public record RecoveryPass(List<String> gids) {
  public RecoveryPass {
    gids = List.copyOf(gids);
  }

  /** How many transactions were claimed. */
  public int size() {
    return gids.size();
  }

  /** Whether nothing was due. */
  public boolean isEmpty() {
    return gids.isEmpty();
  }
}
