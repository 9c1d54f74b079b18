package io.jdtm.store.jdbc;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** H2 stores for tests: each a fresh database with the schema created. Thread-safe. */
public final class H2Stores {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final Map<JdbcStore, String> URLS = new ConcurrentHashMap<>();

  private H2Stores() {}

  /** A new, empty in-memory database's URL. */
  public static String memoryUrl() {
    return "jdbc:h2:mem:jdtm-test-" + COUNT.incrementAndGet();
  }

  /** A store on a new, empty in-memory database. */
  public static JdbcStore memory() {
    return open(memoryUrl());
  }

  /** A store on a new, empty database file under {@code dir}. */
  public static JdbcStore file(Path dir) {
    return open("jdbc:h2:file:" + dir.resolve("db-" + COUNT.incrementAndGet()));
  }

  /** The URL {@code store} was opened with. */
  static String url(JdbcStore store) {
    return URLS.get(store);
  }

  /** The same database as {@code closed}, opened again. */
  static JdbcStore reopen(JdbcStore closed) {
    return open(URLS.get(closed));
  }

  private static JdbcStore open(String url) {
    JdbcStore store = JdbcStore.builder().url(url).createSchema(true).build();
    URLS.put(store, url);
    return store;
  }
}
