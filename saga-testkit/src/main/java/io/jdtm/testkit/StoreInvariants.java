package io.jdtm.testkit;

import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Store-wide invariants that hold for every store at rest, checked through the SPI only: queries
 * page through every record once in gid order; each agrees with {@code load}; versions are
 * positive; branch ops are unique; terminal records are not due. Thread-safe (stateless).
 */
public final class StoreInvariants {
  private StoreInvariants() {}

  /**
   * Checks every record in {@code store}.
   *
   * @throws AssertionError naming the record and the invariant it breaks
   */
  public static void check(TransactionStore store) {
    Set<String> seen = new HashSet<>();
    String last = null;
    TxQuery query = TxQuery.all(TxQuery.MAX_LIMIT);
    while (true) {
      TxPage page = store.query(query);
      for (TxRecord r : page.records()) {
        require(last == null || r.gid().compareTo(last) > 0,
            "query returns gids in increasing order: %s after %s", r.gid(), last);
        require(seen.add(r.gid()), "gid %s returned once", r.gid());
        last = r.gid();
        checkRecord(store, r);
      }
      Optional<String> next = page.next();
      if (next.isEmpty()) {
        return;
      }
      query = query.after(next.get());
    }
  }

  private static void checkRecord(TransactionStore store, TxRecord r) {
    require(r.version() > 0, "version of %s is positive: %s", r.gid(), r.version());
    Optional<TxRecord> loaded = store.load(r.gid());
    require(loaded.equals(Optional.of(r)), "load agrees with query for %s: %s, not %s", r.gid(),
        loaded, r);
    require(!r.status().isTerminal() || r.nextDueAt() == null, "terminal %s has no due time: %s",
        r.gid(), r.nextDueAt());
    Set<String> ops = new HashSet<>();
    for (BranchRecord b : r.branches()) {
      require(ops.add(b.branchId() + "/" + b.op()), "branch op %s/%s of %s is unique",
          b.branchId(), b.op(), r.gid());
    }
  }

  private static void require(boolean holds, String invariant, Object... args) {
    if (!holds) {
      throw new AssertionError("store invariant broken: " + String.format(invariant, args));
    }
  }
}
