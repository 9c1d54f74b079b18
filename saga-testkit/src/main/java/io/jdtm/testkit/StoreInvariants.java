package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

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

  /** Checks every record in {@code store}; fails with an AssertJ error naming the record. */
  public static void check(TransactionStore store) {
    Set<String> seen = new HashSet<>();
    String last = null;
    TxQuery query = TxQuery.all(TxQuery.MAX_LIMIT);
    while (true) {
      TxPage page = store.query(query);
      for (TxRecord r : page.records()) {
        assertThat(last == null || r.gid().compareTo(last) > 0)
            .as("query returns gids in increasing order: %s after %s", r.gid(), last).isTrue();
        assertThat(seen.add(r.gid())).as("gid %s returned once", r.gid()).isTrue();
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
    assertThat(r.version()).as("version of %s", r.gid()).isPositive();
    assertThat(store.load(r.gid())).as("load agrees with query for %s", r.gid()).contains(r);
    if (r.status().isTerminal()) {
      assertThat(r.nextDueAt()).as("terminal %s has no due time", r.gid()).isNull();
    }
    Set<String> ops = new HashSet<>();
    for (BranchRecord b : r.branches()) {
      assertThat(ops.add(b.branchId() + "/" + b.op()))
          .as("branch op %s/%s of %s is unique", b.branchId(), b.op(), r.gid()).isTrue();
    }
  }
}
