package io.jdtm.it;

import io.jdtm.spi.TransactionStore;
import io.jdtm.store.jdbc.H2Stores;
import io.jdtm.store.jdbc.ServerTables;
import io.jdtm.store.jdbc.TestServers;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.store.redis.RedisCluster;
import io.jdtm.store.redis.RedisServers;
import io.jdtm.store.redis.RedisStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

  /**
   * Stores on servers: PostgreSQL, MariaDB, the shared standalone Redis and this JVM's local
   * Redis Cluster (each Redis store under a fresh key prefix).
   */
  static List<StoreFixture> servers() {
    return List.of(
        new StoreFixture("postgresql", POSTGRES::emptyStore),
        new StoreFixture("mariadb", MARIADB::emptyStore),
        new StoreFixture("redis", RedisPrefixes::standalone),
        new StoreFixture("redis-cluster", RedisPrefixes::cluster));
  }

  /** Redis stores under fresh key prefixes; those on the shared server are deleted at exit. */
  static final class RedisPrefixes {
    private static final Set<String> SHARED = ConcurrentHashMap.newKeySet();

    static {
      Runtime.getRuntime().addShutdownHook(new Thread(RedisPrefixes::deleteAll));
    }

    /**
     * Deletes the keys (SCAN MATCH of each prefix, then DEL) on one connection, on a daemon
     * thread the hook waits for 10 s at most; the client is not waited for, as Lettuce's
     * shutdown can block while the JVM exits.
     */
    private static void deleteAll() {
      if (SHARED.isEmpty()) {
        return;
      }
      Thread worker = new Thread(() -> {
        RedisClient client = RedisClient.create(RedisServers.sharedUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
          for (String prefix : SHARED) {
            ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(1000);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
              KeyScanCursor<String> page = c.sync().scan(cursor, match);
              if (!page.getKeys().isEmpty()) {
                c.sync().del(page.getKeys().toArray(new String[0]));
              }
              cursor = page;
            } while (!cursor.isFinished());
          }
        } catch (RuntimeException e) {
          // the server went away; nothing to delete
        } finally {
          client.shutdownAsync();
        }
      }, "redis-prefix-cleanup");
      worker.setDaemon(true);
      worker.start();
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private RedisPrefixes() {}

    static TransactionStore standalone() {
      String prefix = RedisServers.uniquePrefix("engine");
      SHARED.add(prefix);
      return RedisServers.sharedStore(prefix);
    }

    /** On the shared cluster, whose nodes (and keys) go when this JVM exits. */
    static TransactionStore cluster() {
      return RedisStore.builder().uri(RedisCluster.shared().uri())
          .keyPrefix(RedisServers.uniquePrefix("engine")).build();
    }
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
