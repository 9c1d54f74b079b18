package io.jdtm.it;

import org.junit.jupiter.api.Test;

/**
 * The crash-recovery simulation on Redis, with the budget of {@link SimulationIT}: the shared
 * standalone server and this JVM's local Redis Cluster, each chain on a store under a fresh key
 * prefix. Like the JDBC runs, the simulation's faults (crashes, pauses, rejected and failed
 * writes) are injected around the store; the network between store and server is not cut here.
 */
class RedisSimulationIT {

  @Test
  void redis_15ChainsOf60Steps_keepEveryInvariant() {
    SimulationTest.simulate("redis", StoreFixture.RedisPrefixes::standalone, 15);
  }

  @Test
  void redisCluster_15ChainsOf60Steps_keepEveryInvariant() {
    SimulationTest.simulate("redis-cluster", StoreFixture.RedisPrefixes::cluster, 15);
  }
}
