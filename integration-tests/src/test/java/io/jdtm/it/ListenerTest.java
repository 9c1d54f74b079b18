package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxUpdate;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.Behaviour;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ListenerTest {

  /** Applies every write; throws after applying the first one that moves a saga to ABORTING. */
  static final class AmbiguousAbortStore extends DelegatingStore {
    final AtomicBoolean fired = new AtomicBoolean();

    AmbiguousAbortStore(TransactionStore delegate) {
      super(delegate);
    }

    @Override
    public boolean update(TxUpdate u) {
      boolean ok = delegate.update(u);
      if (ok && u.status() == TxStatus.ABORTING && fired.compareAndSet(false, true)) {
        throw new StoreUnavailableException("connection reset after commit " + u.gid(), null);
      }
      return ok;
    }
  }

  /**
   * DESIGN 6: the listener "sees every state change". When the write carrying SUBMITTED ->
   * ABORTING commits but its acknowledgement is lost (RELIABILITY: "throw after executing"),
   * the runner drops the transaction without reporting; whoever resumes it finds it ABORTING
   * already and reports only ABORTING -> FAILED. An alert on aborts never fires.
   */
  @Test
  void abortWhoseWriteAckIsLost_isStillReportedOnce() {
    try (Harness h = new Harness(new AmbiguousAbortStore(new MemoryStore()))) {
      TransactionManager tm = h.manager("n");
      h.b.script("02", ACTION, Behaviour.FAILURE);

      String gid = tm.saga()
          .step("bankA", "bankA", new Transfer("A", -1))
          .step("bankB", "bankB", new Transfer("B", 1))
          .submit();
      h.clock.advance(Harness.LEASE);
      tm.runRecoveryPass();

      assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
      assertThat(h.transitions(gid)).containsExactly("SUBMITTED->ABORTING", "ABORTING->FAILED");
    }
  }
}
