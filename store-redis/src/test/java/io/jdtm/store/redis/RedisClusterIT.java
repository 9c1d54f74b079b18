package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@link RedisCluster} fixture itself, on the shared cluster. */
class RedisClusterIT {

  @Test
  void shared_isOneReadyDurableClusterOfThreeMastersPerJvm() {
    RedisCluster cluster = RedisCluster.shared();

    assertThat(RedisCluster.shared()).isSameAs(cluster);
    assertThat(cluster.masters()).hasSize(3);
    assertThat(cluster.uri()).startsWith("redis-cluster://127.0.0.1:")
        .contains(cluster.nodes().stream().map(n -> "127.0.0.1:" + n.port()).toList());
    for (RedisCluster.Node n : cluster.nodes()) {
      String info = n.command(c -> c.clusterInfo());
      assertThat(info).contains("cluster_state:ok",
          "cluster_slots_ok:16384", "cluster_known_nodes:3");
      Map<String, String> config = n.command(c -> c.configGet("appendonly", "appendfsync"));
      assertThat(config).containsEntry("appendonly", "yes").containsEntry("appendfsync", "always");
      assertThat(n.dir()).isDirectoryContaining("glob:**/nodes.conf");
    }
  }

  @Test
  void deleteKeys_removesThePrefixOnEveryMasterAndNothingElse() {
    RedisCluster cluster = RedisCluster.shared();
    String prefix = RedisServers.uniquePrefix("fixture");
    String other = RedisServers.uniquePrefix("fixture_other");
    RedisClusterClient client = RedisClusterClient.create(
        RedisURI.create("redis://127.0.0.1:" + cluster.nodes().get(0).port()));
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      RedisAdvancedClusterCommands<String, String> sync = c.sync();
      Set<Integer> slots = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        sync.set(prefix + i, "v");
        slots.add(SlotHash.getSlot(prefix + i));
      }
      sync.set(other + "kept", "v");
      assertThat(slots).hasSizeGreaterThan(100); // spread over the masters

      assertThat(cluster.deleteKeys(prefix)).isEqualTo(200);

      assertThat(sync.exists(prefix + "0", prefix + "199")).isZero();
      assertThat(sync.get(other + "kept")).isEqualTo("v");
      assertThat(cluster.deleteKeys(other)).isEqualTo(1);
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Test
  void start_withFewerThanThreeMasters_isRefused() {
    assertThatThrownBy(() -> RedisCluster.start("x", 2, 0, Duration.ofSeconds(1), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Redis Cluster needs at least 3 masters, not 2");
    assertThatThrownBy(() -> RedisCluster.start("x", 3, -1, Duration.ofSeconds(1), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replicas per master must be >= 0, not -1");
  }

  @Test
  void deleteKeys_withAPatternPrefix_isRefused() {
    assertThatThrownBy(() -> RedisCluster.shared().deleteKeys("a*"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
