package io.jdtm.store.redis;

/**
 * The shared Redis server for integration-tests' Redis barrier fixture (shipped in the test-jar):
 * a thin name for {@link RedisServers#sharedUri()} and {@link RedisServers#uniquePrefix}, which
 * store-redis's own tests use directly. Thread-safe.
 */
public final class BarrierRedis {
  private BarrierRedis() {}

  /** The shared server's URI, or the test is skipped (failed on CI); see {@link RedisServers}. */
  public static String shared() {
    return RedisServers.sharedUri();
  }

  /** A key prefix no other test (or run) uses. */
  public static String newPrefix() {
    return RedisServers.uniquePrefix("barrier");
  }
}
