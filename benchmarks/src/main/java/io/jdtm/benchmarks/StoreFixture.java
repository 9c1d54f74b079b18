package io.jdtm.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.jdtm.spi.TransactionStore;
import io.jdtm.store.jdbc.JdbcBarrier;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.store.redis.RedisStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One store under test with its baseline beside it: {@code memory}, {@code h2mem}, {@code h2file}
 * (a fresh directory under the temp dir), {@code postgres} or {@code mariadb} (fresh tables under
 * a random prefix, dropped on {@link #close()}), {@code redis} (the server at {@code
 * JDTM_REDIS_URI}, default {@code redis://127.0.0.1:6379}) or {@code redis-cluster} (the cluster at
 * {@code JDTM_REDIS_CLUSTER_URI}, default the one {@code scripts/redis-cluster start} runs), keys
 * under a random prefix, deleted on {@link #close()}. Not thread-safe to open and close; the store,
 * baseline and barrier it hands out are.
 */
final class StoreFixture implements AutoCloseable {
  /** Every store name a benchmark's {@code store} parameter accepts. */
  static final List<String> NAMES =
      List.of("memory", "h2mem", "h2file", "postgres", "mariadb", "redis", "redis-cluster");
  /** The cluster {@code scripts/redis-cluster start} runs. */
  static final String LOCAL_CLUSTER =
      "redis-cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";

  private static final List<String> JDTM_TABLES =
      List.of("barrier", "branch", "tx", "schema_version");

  private final String name;
  private final Database db;
  /** The Redis URI of a Redis store, else null. */
  private final String redis;
  private final Path dir;
  private final String prefix = Database.randomPrefix();
  private TransactionStore store;
  private Baseline baseline;
  private JdbcBarrier barrier;
  private HikariDataSource dataSource;

  private StoreFixture(String name, Database db, Path dir) {
    this(name, db, dir, null);
  }

  private StoreFixture(String name, Database db, Path dir, String redis) {
    this.name = name;
    this.db = db;
    this.dir = dir;
    this.redis = redis;
  }

  static StoreFixture open(String name) {
    StoreFixture f = switch (name) {
      case "memory" -> new StoreFixture(name, null, null);
      case "h2mem" -> new StoreFixture(name,
          Database.h2("jdbc:h2:mem:" + Database.randomPrefix() + ";DB_CLOSE_DELAY=-1"), null);
      case "h2file" -> h2File("");
      case "postgres" -> new StoreFixture(name, Database.postgres(), null);
      case "mariadb" -> new StoreFixture(name, Database.mariadb(), null);
      case "redis" -> new StoreFixture(name, null, null,
          env("JDTM_REDIS_URI", "redis://127.0.0.1:6379"));
      case "redis-cluster" -> new StoreFixture(name, null, null,
          env("JDTM_REDIS_CLUSTER_URI", LOCAL_CLUSTER));
      default -> throw new IllegalArgumentException(
          "unknown store '" + name + "'; one of " + NAMES);
    };
    f.reset();
    return f;
  }

  /**
   * An H2 file store whose URL sets {@code WRITE_DELAY} to {@code writeDelay} milliseconds; 0 is
   * the store's default ({@code h2file}), anything else gives up durability on a process kill.
   */
  static StoreFixture openH2File(int writeDelay) {
    StoreFixture f = h2File(writeDelay == 0 ? "" : ";WRITE_DELAY=" + writeDelay);
    f.reset();
    return f;
  }

  private static StoreFixture h2File(String settings) {
    try {
      Path dir = Files.createTempDirectory("jdtm-bench-");
      return new StoreFixture("h2file",
          Database.h2("jdbc:h2:file:" + dir.resolve("db") + settings), dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }

  String name() {
    return name;
  }

  boolean isJdbc() {
    return db != null;
  }

  TransactionStore store() {
    return store;
  }

  Baseline baseline() {
    return baseline;
  }

  /** The store database's barrier (tables under the same prefix), opened on first use. */
  JdbcBarrier barrier() {
    if (db == null) {
      throw new IllegalStateException("the " + name + " store has no database for a barrier");
    }
    if (barrier == null) {
      barrier = db.barrier(prefix);
    }
    return barrier;
  }

  /** A pool of the store's database for local transactions of the caller's, opened on first use. */
  DataSource dataSource() {
    if (db == null) {
      throw new IllegalStateException("the " + name + " store has no database to share");
    }
    if (dataSource == null) {
      dataSource = db.pool();
    }
    return dataSource;
  }

  /** The table the message benchmark's local transactions insert into (in the barrier's DB). */
  String ordersTable() {
    return prefix + "base_order";
  }

  /** A fresh memory store and map; other stores keep their tables or keys. */
  void resetMemory() {
    if (db == null && redis == null) {
      reset();
    }
  }

  private void reset() {
    closeStores();
    if (redis != null) {
      store = RedisStore.builder().uri(redis).keyPrefix(prefix).build();
      // Under the store's prefix, so that closing the baseline deletes the store's keys too.
      baseline = new RedisBaseline(redis, prefix + "base_", prefix);
    } else if (db == null) {
      store = new MemoryStore();
      baseline = new MapBaseline();
    } else {
      store = db.store(prefix);
      baseline = new JdbcBaseline(db, prefix);
    }
  }

  @Override
  public void close() {
    if (baseline instanceof JdbcBaseline jdbc) {
      closeStoreAndBarrier();
      if (db.url().startsWith("jdbc:h2:")) {
        jdbc.shutdown();
      } else {
        List<String> drops = new ArrayList<>();
        jdbc.tables().forEach(t -> drops.add("DROP TABLE IF EXISTS " + t));
        JDTM_TABLES.forEach(t -> drops.add("DROP TABLE IF EXISTS " + prefix + t));
        jdbc.execute(drops.toArray(String[]::new));
      }
    }
    closeStores();
    deleteDir();
  }

  private void closeStoreAndBarrier() {
    if (dataSource != null) {
      dataSource.close();
      dataSource = null;
    }
    if (barrier != null) {
      barrier.close();
      barrier = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
  }

  private void closeStores() {
    closeStoreAndBarrier();
    if (baseline != null) {
      baseline.close();
      baseline = null;
    }
  }

  private void deleteDir() {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
