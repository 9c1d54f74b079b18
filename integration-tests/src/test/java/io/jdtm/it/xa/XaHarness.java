package io.jdtm.it.xa;

import io.jdtm.StatusEvent;
import io.jdtm.TransactionListener;
import io.jdtm.TransactionManager;
import io.jdtm.TransactionView;
import io.jdtm.spi.TransactionStore;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * One XA case's world: a memory store, a manual clock, one database behind a {@link
 * FaultyXaDataSource} (registered as resource {@value #RESOURCE}), and managers built on them.
 * Managers run phase two on the calling thread unless a test gives them another executor; none
 * is started, so recovery and in-doubt scans run only when a test calls them. Not thread-safe:
 * the test thread builds managers and closes it.
 */
final class XaHarness implements AutoCloseable {
  static final String RESOURCE = "db";
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration RETRY = Duration.ofSeconds(10);
  /** Longer than the default prepared timeout (35 s), the lease and the first retry delays. */
  static final Duration PAST_TIMEOUTS = Duration.ofMinutes(1);

  final ManualClock clock = new ManualClock();
  final TransactionStore store = new MemoryStore();
  final FaultyXaDataSource dataSource;
  final List<StatusEvent> statusEvents = new CopyOnWriteArrayList<>();
  private final List<TransactionManager> managers = new ArrayList<>();
  private final TransactionManager observer;

  XaHarness(XaDatabase database) {
    this.dataSource = new FaultyXaDataSource(database.xaDataSource());
    this.observer = manager("observer");
  }

  /** A manager that runs phase two on the calling thread. */
  TransactionManager manager(String id) {
    return manager(id, Runnable::run);
  }

  /** A manager that hands phase two (and recovery's work) to {@code executor}. */
  TransactionManager manager(String id, Executor executor) {
    TransactionManager tm = TransactionManager.builder()
        .store(store)
        .clock(clock)
        .instanceId(id)
        .executor(executor)
        .lease(LEASE)
        .retryInterval(RETRY)
        .random(new Random(42))
        .shutdownTimeout(Duration.ZERO)
        .xaResource(RESOURCE, dataSource)
        .listener(new TransactionListener() {
          @Override
          public void onStatusChange(StatusEvent event) {
            statusEvents.add(event);
          }
        })
        .build();
    managers.add(tm);
    return tm;
  }

  /** The stored transaction, read through a manager that does nothing else. */
  TransactionView view(String gid) {
    return observer.find(gid).orElseThrow(() -> new AssertionError("no record " + gid));
  }

  /** Status changes of one gid, as {@code FROM->TO} strings. */
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
