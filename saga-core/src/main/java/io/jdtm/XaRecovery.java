package io.jdtm;

import java.util.List;

/**
 * What one scan of the registered XA resources for in-doubt branches did ({@link
 * TransactionManager#recoverXa()}). Each entry reads {@code resource gid=... branch=...}.
 * Immutable and thread-safe.
 *
 * @param committed prepared branches of transactions decided to commit, now committed
 * @param rolledBack prepared branches of transactions decided to roll back, now rolled back
 * @param left prepared branches left in doubt: their transaction is still PREPARED (its body may
 *     still be running; its timeout aborts it), is unknown to this manager's store, or the
 *     resolution failed (logged; the next scan tries again)
 */
public record XaRecovery(List<String> committed, List<String> rolledBack, List<String> left) {
  public XaRecovery {
    committed = List.copyOf(committed);
    rolledBack = List.copyOf(rolledBack);
    left = List.copyOf(left);
  }
}
