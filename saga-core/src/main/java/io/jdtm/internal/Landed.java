package io.jdtm.internal;

import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;

/**
 * After a store reported a failure on a write: reads the record back to tell whether the write
 * happened anyway (the store holds exactly what it would have made).
 */
final class Landed {
  private Landed() {}

  static boolean check(TransactionStore store, TxRecord before, TxUpdate u) {
    try {
      return store.load(u.gid()).map(stored -> stored.equals(before.applying(u))).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
