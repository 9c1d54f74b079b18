package io.jdtm.it;

import io.jdtm.store.jdbc.TestServers;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A participant database with its barrier: in memory, H2, PostgreSQL, MariaDB or Redis. */
record BarrierFixture(String name, Opener opener) {
  /** Opens a fresh one. */
  @FunctionalInterface
  interface Opener {
    KvBarrier open() throws Exception;
  }

  private static final AtomicInteger H2_DBS = new AtomicInteger();

  KvBarrier open() throws Exception {
    return opener.open();
  }

  @Override
  public String toString() {
    return name;
  }

  static List<BarrierFixture> local() {
    return List.of(
        new BarrierFixture("memory-barrier", MemoryKvBarrier::new),
        new BarrierFixture("h2-barrier", () -> new JdbcKvBarrier("h2-barrier",
            "jdbc:h2:mem:scenario-" + H2_DBS.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa",
            "")));
  }

  static List<BarrierFixture> servers() {
    return List.of(
        new BarrierFixture("postgresql-barrier", () -> server("postgresql-barrier",
            TestServers.postgres())),
        new BarrierFixture("mariadb-barrier", () -> server("mariadb-barrier",
            TestServers.mariadb())),
        new BarrierFixture("redis-barrier", RedisKvBarrier::new));
  }

  private static KvBarrier server(String name, TestServers.Server s) throws Exception {
    return new JdbcKvBarrier(name, s.url(), s.user(), s.password());
  }
}
