package io.jdtm.it;

import io.jdtm.BranchEvent;
import io.jdtm.StatusEvent;
import io.jdtm.TransactionListener;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.Ledger;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestParticipant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * One store, a manual clock, a ledger, three participants, and managers built on them. Managers
 * run everything on the calling thread unless a test gives them an executor, so submit and
 * recovery passes return when the work is done.
 */
final class Harness implements AutoCloseable {
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration RETRY = Duration.ofSeconds(10);

  final ManualClock clock = new ManualClock();
  final Ledger ledger = new Ledger();
  final TestParticipant a = new TestParticipant("bankA", ledger);
  final TestParticipant b = new TestParticipant("bankB", ledger);
  final TestParticipant c = new TestParticipant("bankC", ledger);
  final List<StatusEvent> statusEvents = new CopyOnWriteArrayList<>();
  final List<BranchEvent> branchEvents = new CopyOnWriteArrayList<>();
  final TransactionStore store;
  private final List<TransactionManager> managers = new ArrayList<>();

  Harness(StoreFixture fixture) {
    this(fixture.open());
  }

  /** On a new memory store. */
  Harness() {
    this(new io.jdtm.store.memory.MemoryStore());
  }

  Harness(TransactionStore store) {
    this.store = store;
  }

  /** A manager with the participants registered, running on the calling thread. */
  TransactionManager manager(String id) {
    return manager(id, b -> b);
  }

  TransactionManager manager(String id, UnaryOperator<TransactionManager.Builder> custom) {
    TransactionManager.Builder builder = TransactionManager.builder()
        .store(store)
        .clock(clock)
        .instanceId(id)
        .executor(Runnable::run)
        .lease(LEASE)
        .retryInterval(RETRY)
        .random(new Random(42))
        .shutdownTimeout(Duration.ZERO)
        .listener(new TransactionListener() {
          @Override
          public void onStatusChange(StatusEvent event) {
            statusEvents.add(event);
          }

          @Override
          public void onBranchCall(BranchEvent event) {
            branchEvents.add(event);
          }
        });
    a.registerOn(builder);
    b.registerOn(builder);
    c.registerOn(builder);
    TransactionManager tm = custom.apply(builder).build();
    managers.add(tm);
    return tm;
  }

  TxStatus status(String gid) {
    return store.load(gid).orElseThrow().status();
  }

  /** Status changes of one gid, as (from -> to) strings. */
  List<String> transitions(String gid) {
    return statusEvents.stream().filter(e -> e.gid().equals(gid))
        .map(e -> e.from() + "->" + e.to()).toList();
  }

  @Override
  public void close() {
    managers.forEach(TransactionManager::halt);
    store.close();
  }
}
