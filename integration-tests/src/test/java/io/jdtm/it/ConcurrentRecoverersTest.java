package io.jdtm.it;

import io.jdtm.store.jdbc.H2Stores;
import io.jdtm.store.memory.MemoryStore;
import org.junit.jupiter.api.Test;

class ConcurrentRecoverersTest {
  @Test
  void memoryStore_threeRecoverers_drainTenThousandSagasWithNoDuplicateEffects() throws Exception {
    ConcurrentRecoverers.drain(new MemoryStore(), 10_000);
  }

  @Test
  void h2Store_threeRecoverers_drainTenThousandSagasWithNoDuplicateEffects() throws Exception {
    ConcurrentRecoverers.drain(H2Stores.memory(), 10_000);
  }
}
