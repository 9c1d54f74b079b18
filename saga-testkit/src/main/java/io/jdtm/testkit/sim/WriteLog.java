package io.jdtm.testkit.sim;

import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sits right on the real store and checks every accepted write against the version it must
 * follow: an accepted update must expect exactly the last version written (I-14), so a stale
 * holder's write can never be accepted (I-9). Counts rejected writes. Single-threaded use.
 */
final class WriteLog implements TransactionStore {
  private final TransactionStore store;
  private final Map<String, Long> versions = new HashMap<>();
  private Violation violation;
  long accepted;
  long rejected;

  WriteLog(TransactionStore store) {
    this.store = store;
  }

  /** The first violation seen since the last call, then cleared. */
  Violation takeViolation() {
    Violation v = violation;
    violation = null;
    return v;
  }

  @Override
  public CreateResult create(TxRecord record) {
    CreateResult result = store.create(record);
    if (result.created()) {
      versions.put(record.gid(), record.version());
      accepted++;
    }
    return result;
  }

  @Override
  public CreateResult createIn(java.sql.Connection connection, TxRecord record) {
    CreateResult result = store.createIn(connection, record);
    if (result.created()) {
      versions.put(record.gid(), record.version());
      accepted++;
    }
    return result;
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    return store.load(gid);
  }

  @Override
  public boolean update(TxUpdate u) {
    boolean ok = store.update(u);
    if (!ok) {
      rejected++;
      return false;
    }
    accepted++;
    Long last = versions.get(u.gid());
    if (last != null && last != u.expectedVersion()) {
      flag("I-14", "write to " + u.gid() + " accepted at version " + u.expectedVersion()
          + " but the last written version is " + last);
    }
    versions.put(u.gid(), u.expectedVersion() + 1);
    return true;
  }

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    List<TxRecord> claimed = store.claimDue(now, owner, lease, limit);
    for (TxRecord r : claimed) {
      accepted++;
      Long last = versions.get(r.gid());
      if (last != null && last + 1 != r.version()) {
        flag("I-14", "claim of " + r.gid() + " produced version " + r.version()
            + " after version " + last);
      }
      versions.put(r.gid(), r.version());
    }
    return claimed;
  }

  private void flag(String invariant, String message) {
    if (violation == null) {
      violation = new Violation(invariant, message, -1);
    }
  }

  @Override
  public TxPage query(TxQuery query) {
    return store.query(query);
  }

  @Override
  public int purge(Instant finishedBefore) {
    return store.purge(finishedBefore);
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return store.capabilities();
  }

  @Override
  public void close() {
    store.close();
  }
}
