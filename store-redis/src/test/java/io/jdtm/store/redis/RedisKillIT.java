package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TxStatus;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A durable {@code redis-server} ({@code appendonly yes}, {@code appendfsync always}) killed with
 * SIGKILL during a burst of creates and updates from several threads: after a restart on the
 * same port, every write the store acknowledged is there.
 */
class RedisKillIT {
  private static final Instant T0 = ManualClock.DEFAULT_START;
  private static RedisServers.Private server;

  @BeforeAll
  static void startServer() {
    server = RedisServers.start("kill", RedisServers.DURABLE);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.kill();
    }
  }

  @Test
  void sigkillDuringABurst_everyAcknowledgedWriteSurvivesTheRestart() throws Exception {
    try (RedisStore store = RedisStore.builder().uri(server.uri())
        .commandTimeout(Duration.ofSeconds(2)).build()) {
      assertThat(store.capabilities()).contains(StoreCapability.DURABLE);
      Set<String> created = ConcurrentHashMap.newKeySet();
      Set<String> finished = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(200);
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        Thread w = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            TxRecord r = TestRecords.saga("kill-" + id + "-" + i, T0, T0);
            try {
              if (store.create(r).created()) {
                created.add(r.gid());
                enough.countDown();
              }
              if (i % 2 == 0 && store.update(TxUpdate.against(r).updatedAt(T0).nextDueAt(null)
                  .status(TxStatus.SUCCEEDED).build())) {
                finished.add(r.gid());
              }
            } catch (StoreUnavailableException e) {
              refused.incrementAndGet(); // not acknowledged: may or may not be stored
            }
          }
        });
        w.start();
        writers.add(w);
      }
      enough.await();
      server.kill();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() >= 4);
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }
      server.restart();

      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .ignoreException(StoreUnavailableException.class)
          .until(() -> store.load("never-written").isEmpty());
      List<String> lost = created.stream().filter(g -> store.load(g).isEmpty()).toList();
      List<String> unfinished = finished.stream()
          .filter(g -> store.load(g).orElseThrow().status() != TxStatus.SUCCEEDED).toList();
      assertThat(created).hasSizeGreaterThanOrEqualTo(200);
      assertThat(lost).as("acknowledged creates lost of %d", created.size()).isEmpty();
      assertThat(unfinished).as("acknowledged updates lost of %d", finished.size()).isEmpty();
    }
  }
}
