package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

/** The barrier's URI parsing and key layout, without a server. */
class BarrierUrisTest {
  @Test
  void parse_standalone_keepsCredentialsForLettuceButNotInTheEndpoint() {
    BarrierUris.Parsed parsed = BarrierUris.parse("rediss://app:pw-1@redis.example:6380/2");

    RedisURI server = parsed.servers().get(0);
    assertThat(parsed.cluster()).isFalse();
    assertThat(server.getHost()).isEqualTo("redis.example");
    assertThat(server.getPort()).isEqualTo(6380);
    assertThat(server.getDatabase()).isEqualTo(2);
    assertThat(server.isSsl()).isTrue();
    assertThat(credentials(server).getUsername()).isEqualTo("app");
    assertThat(new String(credentials(server).getPassword())).isEqualTo("pw-1");
    assertThat(parsed.endpoint()).isEqualTo("rediss://redis.example:6380");
  }

  @Test
  void parse_cluster_givesEverySeedTheCredentials() {
    BarrierUris.Parsed parsed =
        BarrierUris.parse("redis-cluster://app:pw-2@10.0.0.1:7000,10.0.0.2:7001?timeout=3s");

    assertThat(parsed.cluster()).isTrue();
    assertThat(parsed.servers()).extracting(RedisURI::getHost)
        .containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(parsed.servers()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
    assertThat(parsed.servers()).allSatisfy(s -> {
      assertThat(new String(credentials(s).getPassword())).isEqualTo("pw-2");
      assertThat(s.isSsl()).isFalse();
    });
    assertThat(parsed.endpoint()).isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7001");
  }

  @Test
  void parse_tlsCluster_usesTlsForEverySeed() {
    BarrierUris.Parsed parsed = BarrierUris.parse("rediss-cluster://h1:7000,h2:7000");

    assertThat(parsed.servers()).allSatisfy(s -> assertThat(s.isSsl()).isTrue());
    assertThat(parsed.endpoint()).isEqualTo("rediss-cluster://h1:7000,h2:7000");
  }

  @Test
  void parse_otherSchemes_areRefusedRedacted() {
    assertThatThrownBy(() -> BarrierUris.parse("memcached://u:pw-3@h:1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://")
        .hasMessageNotContaining("pw-3");
  }

  @Test
  void row_separatesIdsWithACharacterOutsideTheirAlphabet() {
    BarrierKeys keys = new BarrierKeys("app_");

    String row = keys.row("g:1", BranchContext.of("g:1", Mode.TCC, "b:2", BranchOp.CANCEL),
        BranchOp.TRY, "03");

    assertThat(row).isEqualTo("app_barrier:{g:1}|tcc|g:1|b:2|try|03");
    assertThat(keys.msgRow("t", "m1")).isEqualTo("app_barrier:{t}|msg|m1|00|msg|01");
    assertThat(BarrierKeys.slot(row)).isEqualTo(BarrierKeys.slot("balance:{g:1}"));
  }

  @Test
  void barrierKeys_badPrefix_isRefusedNamingIt() {
    assertThatThrownBy(() -> new BarrierKeys("9lives"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'9lives'");
  }

  private static RedisCredentials credentials(RedisURI server) {
    return server.getCredentialsProvider().resolveCredentials().block();
  }
}
