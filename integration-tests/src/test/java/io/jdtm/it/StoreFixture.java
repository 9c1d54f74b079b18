package io.jdtm.it;

import io.jdtm.spi.TransactionStore;
import io.jdtm.store.jdbc.H2Stores;
import io.jdtm.store.jdbc.ServerTables;
import io.jdtm.store.jdbc.TestServers;
import io.jdtm.store.memory.MemoryStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * A store the engine tests run against; each {@link #open()} gives an empty one. Local stores run
 * in {@code *Test} classes; server stores in {@code *IT} classes (skipped when the server is
 * missing, failed when {@code CI=true}).
 */
record StoreFixture(String name, Supplier<TransactionStore> opener) {
  private static final ServerTables POSTGRES = tables(TestServers::postgres);
  private static final ServerTables MARIADB = tables(TestServers::mariadb);

  TransactionStore open() {
    return opener.get();
  }

  @Override
  public String toString() {
    return name;
  }

  /** Stores in this JVM: memory and H2. */
  static List<StoreFixture> local() {
    return List.of(
        new StoreFixture("memory", MemoryStore::new),
        new StoreFixture("h2", H2Stores::memory));
  }

  /** Stores on servers: PostgreSQL and MariaDB. */
  static List<StoreFixture> servers() {
    return List.of(
        new StoreFixture("postgresql", POSTGRES::emptyStore),
        new StoreFixture("mariadb", MARIADB::emptyStore));
  }

  /** This JVM's own tables on a server, dropped when the JVM exits. */
  private static ServerTables tables(Supplier<TestServers.Server> server) {
    ServerTables tables = new ServerTables(server, "engine");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        tables.drop();
      } catch (RuntimeException e) {
        // the server went away; nothing to drop
      }
    }));
    return tables;
  }
}
