package io.jdtm.store.memory;

import io.jdtm.spi.StoreProvider;
import io.jdtm.spi.TransactionStore;

/** Opens a new, empty {@link MemoryStore} for the URI {@code memory:}. Thread-safe. */
public final class MemoryStoreProvider implements StoreProvider {
  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String uriPattern() {
    return "memory:";
  }

  @Override
  public boolean supports(String uri) {
    return uri.startsWith("memory:");
  }

  @Override
  public TransactionStore open(String uri) {
    if (!uri.equals("memory:")) {
      throw new IllegalArgumentException("the memory store takes no options: use 'memory:', not '"
          + io.jdtm.Stores.redact(uri) + "'");
    }
    return new MemoryStore();
  }
}
