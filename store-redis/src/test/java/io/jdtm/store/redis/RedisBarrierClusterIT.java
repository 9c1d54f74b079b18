package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Redis barrier on a private 3-master Redis Cluster (under {@code target/}): the rules with
 * keys spread over the masters, keys of one call kept in one slot, the check-back, and a purge
 * that visits every master.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBarrierClusterIT {
  private static final AtomicInteger GIDS = new AtomicInteger();

  private final String prefix = RedisServers.uniquePrefix("barrier_cluster");
  private RedisCluster cluster;
  private RedisBarrier barrier;
  private RedisClusterClient client;
  private RedisAdvancedClusterCommands<String, String> redis;

  @BeforeAll
  void start() throws Exception {
    cluster = RedisCluster.shared();
    barrier = RedisBarrier.builder().uri(cluster.uri()).keyPrefix(prefix).build();
    client = cluster.client();
    redis = client.connect().sync();
  }

  @AfterAll
  void stop() {
    if (barrier != null) {
      barrier.close();
    }
    if (client != null) {
      client.shutdown();
    }
    if (cluster != null) {
      cluster.deleteKeys(prefix); // the shared cluster stays up for other tests
    }
  }

  private static String gid() {
    return "cl-" + GIDS.incrementAndGet();
  }

  @Test
  void call_sagaAndTccRulesOnManySlots_eachOpOnce() throws Exception {
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      String gid = gid();
      String balance = "balance:{" + gid + "}";
      slots.add(BarrierKeys.slot(balance));
      redis.set(balance, "100");
      AtomicInteger runs = new AtomicInteger();
      for (int delivery = 0; delivery < 2; delivery++) {
        barrier.call(BranchContext.of(gid, Mode.TCC, "01", BranchOp.TRY), fx -> {
          runs.incrementAndGet();
          fx.adjust(balance, -30, 0);
          return Outcome.success();
        });
        barrier.call(BranchContext.of(gid, Mode.TCC, "01", BranchOp.CANCEL), fx -> {
          runs.incrementAndGet();
          fx.incrBy(balance, 30);
          return Outcome.success();
        });
      }
      Outcome lateTry = barrier.call(BranchContext.of(gid, Mode.TCC, "01", BranchOp.TRY), fx -> {
        runs.incrementAndGet();
        return Outcome.success();
      });

      assertThat(lateTry).isEqualTo(Outcome.success());
      assertThat(runs).hasValue(2);
      assertThat(redis.get(balance)).isEqualTo("100");
    }
    assertThat(slots).hasSizeGreaterThan(1);
  }

  @Test
  void call_afterScriptFlushOnOneMaster_reloadsThereAndApplies() throws Exception {
    RedisCluster.Node node = cluster.nodes().get(0);
    String flushed = node.command(c -> c.clusterMyId());
    String flushAnswer = node.command(c -> c.scriptFlush());
    assertThat(flushAnswer).isEqualTo("OK");
    int applied = 0;

    for (int i = 0; i < 4; i++) {
      String gid = gid();
      while (!client.getPartitions().getPartitionBySlot(BarrierKeys.slot("{" + gid + "}"))
          .getNodeId().equals(flushed)) {
        gid = gid();
      }
      String counter = "counter:{" + gid + "}";
      Outcome outcome = barrier.call(BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION),
          fx -> {
            fx.incrBy(counter, 1);
            return Outcome.success();
          });
      applied += outcome.isSuccess() ? Integer.parseInt(redis.get(counter)) : 0;
    }

    assertThat(applied).isEqualTo(4);
  }

  @Test
  void call_keyInAnotherSlot_isRefusedBeforeAnyWrite() {
    String gid = gid();

    assertThatThrownBy(() -> barrier.call(BranchContext.of(gid, Mode.SAGA, "01",
        BranchOp.ACTION), fx -> {
          fx.incrBy("balance:{" + gid + "}", 1);
          fx.incrBy("balance:{somebody-else}", 1);
          return Outcome.success();
        })).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'balance:{somebody-else}'").hasMessageContaining("slot");

    assertThat(redis.exists("balance:{" + gid + "}")).isZero();
    assertThat(redis.keys("jdtm_barrier:{" + gid + "}*")).isEmpty();
  }

  @Test
  void call_tagNamedByTheCall_sharesTheEffectKeysSlot() throws Exception {
    String gid = gid();

    Outcome outcome = barrier.call(BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION),
        "carol", fx -> {
          fx.adjust("balance:{carol}", 5, 0);
          return Outcome.success();
        });

    assertThat(outcome).isEqualTo(Outcome.success());
    assertThat(redis.get("balance:{carol}")).isEqualTo("5");
  }

  @Test
  void queryPrepared_onCluster_commitsOrRollsBackOnce() throws Exception {
    String committed = gid();
    String early = gid();
    barrier.call(BranchContext.of(committed, Mode.MSG, "00", BranchOp.MSG), fx -> {
      fx.incrBy("balance:{" + committed + "}", -1);
      return Outcome.success();
    });

    assertThat(barrier.queryPrepared(committed)).isEqualTo(Outcome.success());
    assertThat(barrier.queryPrepared(early).kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(barrier.call(BranchContext.of(early, Mode.MSG, "00", BranchOp.MSG),
        fx -> Outcome.success()).kind()).isEqualTo(Outcome.Kind.FAILURE);
  }

  @Test
  void purgeOlderThan_visitsEveryMaster() throws Exception {
    String purgePrefix = RedisServers.uniquePrefix("barrier_purge");
    try (RedisBarrier own = RedisBarrier.builder().uri(cluster.uri()).keyPrefix(purgePrefix)
        .build()) {
      Set<String> nodes = new HashSet<>();
      List<String> gids = List.of(gid(), gid(), gid(), gid(), gid(), gid(), gid(), gid());
      for (String gid : gids) {
        own.call(BranchContext.of(gid, Mode.SAGA, "01", BranchOp.COMPENSATE),
            fx -> Outcome.success());
        nodes.add(client.getPartitions().getPartitionBySlot(
            BarrierKeys.slot("{" + gid + "}")).getNodeId());
      }

      long purged = own.purgeOlderThan(Instant.now().plus(Duration.ofDays(1)));

      assertThat(nodes).as("keys on several masters").hasSizeGreaterThan(1);
      assertThat(purged).isEqualTo(2L * gids.size());
      assertThat(redis.keys(purgePrefix + "*")).isEmpty();
    }
  }
}
