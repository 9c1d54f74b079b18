package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TransactionManager;
import io.jdtm.store.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceLeakTest {

  private static long httpClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("HttpClient-")).count();
  }

  /**
   * Every manager builds a java.net.http.HttpClient in its constructor (Engine -> HttpInvoker),
   * whose selector thread starts at once, whether or not any HTTP target is ever used; close()
   * and halt() never release it (it lingers until the manager object is garbage collected).
   * RELIABILITY I-17: no thread leak.
   */
  @Test
  void closedManagers_leaveNoHttpClientThreads() {
    long before = httpClientThreads();
    List<TransactionManager> closed = new ArrayList<>();
    try (MemoryStore store = new MemoryStore()) {
      for (int i = 0; i < 5; i++) {
        TransactionManager tm = TransactionManager.builder().store(store)
            .executor(Runnable::run).build();
        tm.close();
        closed.add(tm); // an application typically still references its (closed) manager
      }
      assertThat(httpClientThreads() - before).as("HttpClient threads left by 5 closed managers")
          .isZero();
    }
  }
}
