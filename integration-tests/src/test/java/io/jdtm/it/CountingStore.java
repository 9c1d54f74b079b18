package io.jdtm.it;

import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** A real store that counts reads and accepted and rejected writes. Thread-safe. */
final class CountingStore extends DelegatingStore {
  final AtomicLong loads = new AtomicLong();
  final AtomicLong acceptedWrites = new AtomicLong();
  final AtomicLong rejectedWrites = new AtomicLong();

  CountingStore(TransactionStore delegate) {
    super(delegate);
  }

  @Override
  public Optional<TxRecord> load(String gid) {
    loads.incrementAndGet();
    return delegate.load(gid);
  }

  @Override
  public boolean update(TxUpdate update) {
    boolean ok = delegate.update(update);
    (ok ? acceptedWrites : rejectedWrites).incrementAndGet();
    return ok;
  }
}
