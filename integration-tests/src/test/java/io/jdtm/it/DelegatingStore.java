package io.jdtm.it;

import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real store behind a subclassable wrapper (for fault injection; not a mock). */
class DelegatingStore implements TransactionStore {
  final TransactionStore delegate;

  DelegatingStore(TransactionStore delegate) {
    this.delegate = delegate;
  }

  /** Holds the calling store operation until {@code go} opens (10 s at most). */
  static void waitFor(CountDownLatch go) {
    try {
      go.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public CreateResult create(TxRecord record) {
    return delegate.create(record);
  }

  @Override
  public CreateResult createIn(java.sql.Connection connection, TxRecord record) {
    return delegate.createIn(connection, record);
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    return delegate.load(gid);
  }

  @Override
  public boolean update(TxUpdate update) {
    return delegate.update(update);
  }

  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    return delegate.claimDue(now, owner, lease, limit);
  }

  @Override
  public TxPage query(TxQuery query) {
    return delegate.query(query);
  }

  @Override
  public int purge(Instant finishedBefore) {
    return delegate.purge(finishedBefore);
  }

  /**
   * The delegate's, except {@link StoreCapability#NON_BLOCKING}: a subclass may make calls wait.
   */
  @Override
  public Set<StoreCapability> capabilities() {
    Set<StoreCapability> c = java.util.EnumSet.noneOf(StoreCapability.class);
    c.addAll(delegate.capabilities());
    c.remove(StoreCapability.NON_BLOCKING);
    return c;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
