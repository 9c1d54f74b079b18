package io.jdtm.it;

import io.jdtm.spi.TransactionStore;
import io.jdtm.store.memory.MemoryStore;
import java.util.List;
import java.util.function.Supplier;

/** A store the engine tests run against; each {@link #open()} gives an empty one. */
record StoreFixture(String name, Supplier<TransactionStore> opener) {
  TransactionStore open() {
    return opener.get();
  }

  @Override
  public String toString() {
    return name;
  }

  /** Every store the engine tests run on. */
  static List<StoreFixture> all() {
    return List.of(new StoreFixture("memory", MemoryStore::new));
  }
}
