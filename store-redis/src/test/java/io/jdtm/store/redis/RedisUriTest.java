package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisUriTest {
  @Test
  void parse_plainUri_defaultsPortAndDatabase() {
    RedisUri u = RedisUri.parse("redis://localhost");

    assertThat(u.cluster()).isFalse();
    assertThat(u.tls()).isFalse();
    assertThat(u.nodes()).containsExactly(new RedisUri.HostPort("localhost", 6379));
    assertThat(u.database()).isZero();
    assertThat(u.user()).isNull();
    assertThat(u.password()).isNull();
    assertThat(u.options()).isEmpty();
  }

  @Test
  void parse_fullUri_readsEveryPart() {
    RedisUri u = RedisUri.parse("rediss://app:s%40cr%23t@10.0.0.5:6380/3"
        + "#jdtm.keyPrefix=pay_&jdtm.shards=8&jdtm.commandTimeout=2s&jdtm.connectTimeout=500ms");

    assertThat(u.tls()).isTrue();
    assertThat(u.nodes()).containsExactly(new RedisUri.HostPort("10.0.0.5", 6380));
    assertThat(u.database()).isEqualTo(3);
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("s@cr#t");
    assertThat(u.options()).isEqualTo(Map.of("keyPrefix", "pay_", "shards", "8",
        "commandTimeout", "2s", "connectTimeout", "500ms"));
    assertThat(u.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(u.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(u.shards()).isEqualTo(8);
    assertThat(u.keyPrefix()).isEqualTo("pay_");
  }

  @Test
  void parse_passwordWithRawSpecialCharacters_endsUserInfoAtTheLastAt() {
    RedisUri u = RedisUri.parse("redis://:p@ss/w#rd@h:1#jdtm.keyPrefix=x_");

    assertThat(u.user()).isNull();
    assertThat(u.password()).isEqualTo("p@ss/w#rd");
    assertThat(u.nodes()).containsExactly(new RedisUri.HostPort("h", 1));
    assertThat(u.options()).containsEntry("keyPrefix", "x_");
  }

  @Test
  void parse_userInfoWithoutColon_isThePassword() {
    RedisUri u = RedisUri.parse("redis://secret@h");

    assertThat(u.user()).isNull();
    assertThat(u.password()).isEqualTo("secret");
  }

  @Test
  void parse_clusterUri_readsEverySeed() {
    RedisUri u = RedisUri.parse("redis-cluster://u:p@a:7000,b:7001,c");

    assertThat(u.cluster()).isTrue();
    assertThat(u.nodes()).containsExactly(new RedisUri.HostPort("a", 7000),
        new RedisUri.HostPort("b", 7001), new RedisUri.HostPort("c", 6379));
    assertThat(u.address()).isEqualTo("redis-cluster://a:7000,b:7001,c:6379");
  }

  @Test
  void parse_tlsClusterUri_isTlsAndCluster() {
    RedisUri u = RedisUri.parse("REDISS-CLUSTER://app:pw@h1:7000,h2:7001#jdtm.keyPrefix=b_");

    assertThat(u.cluster()).isTrue();
    assertThat(u.tls()).isTrue();
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("pw");
    assertThat(u.keyPrefix()).isEqualTo("b_");
    assertThat(u.address()).isEqualTo("rediss-cluster://h1:7000,h2:7001");
    assertThat(RedisUri.hasScheme("rediss-cluster://h:1")).isTrue();
  }

  @Test
  void parse_bracketedIpv6Hosts_areReadWithAndWithoutPort() {
    RedisUri standalone = RedisUri.parse("redis://:pw@[::1]:6380/2");
    RedisUri cluster = RedisUri.parse("redis-cluster://[fe80::1]:7000,[::1]");

    assertThat(standalone.nodes()).containsExactly(new RedisUri.HostPort("::1", 6380));
    assertThat(standalone.database()).isEqualTo(2);
    assertThat(standalone.address()).isEqualTo("redis://[::1]:6380/2");
    assertThat(cluster.nodes()).containsExactly(new RedisUri.HostPort("fe80::1", 7000),
        new RedisUri.HostPort("::1", 6379));
  }

  @Test
  void options_areCheckedWhenRead_andPickPrefersTheBuilder() {
    RedisUri u = RedisUri.parse("redis://h#jdtm.shards=4&jdtm.commandTimeout=2s");

    assertThat(u.shards()).isEqualTo(4);
    assertThat(u.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(u.connectTimeout()).isNull();
    assertThat(u.keyPrefix()).isNull();
    assertThat(RedisUri.pick(Duration.ofSeconds(1), u.commandTimeout(), Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(RedisUri.pick(null, u.commandTimeout(), Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(RedisUri.pick(null, u.connectTimeout(), Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> u.refuse("shards", "is not for this user"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jdtm option 'jdtm.shards' in Redis URI 'redis://h:6379/0' is not for this "
            + "user");
  }

  @Test
  void barrierBuilder_takesTheStoreUriForms_andRefusesTheStoreOnlyOption() {
    assertThatThrownBy(() -> RedisBarrier.builder().uri("redis://u:topsecret@h#jdtm.shards=2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'jdtm.shards'").hasMessageContaining("Redis store's")
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> RedisBarrier.builder().uri("redis://u:topsecret@h?timeout=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("query parameters are not supported")
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> RedisBarrier.builder()
        .uri("redis://u:topsecret@127.0.0.1:1#jdtm.commandTimeout=20m").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commandTimeout must be between 1 ms and 10 minutes");
    assertThatThrownBy(() -> RedisBarrier.builder()
        .uri("redis://u:topsecret@127.0.0.1:1#jdtm.keyPrefix=bad-prefix").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad-prefix'").hasMessageNotContaining("topsecret");
    RedisBarrier.builder().uri("rediss-cluster://u:pw@[::1]:7000,h:7001#jdtm.keyPrefix=b_"
        + "&jdtm.commandTimeout=2s&jdtm.connectTimeout=1s");
  }

  @Test
  void parse_badUris_areRejectedNamingTheProblemWithoutThePassword() {
    List<List<String>> cases = List.of(
        List.of("http://u:topsecret@h", "must start with redis://"),
        List.of("redis://u:topsecret@", "it has an empty host"),
        List.of("redis-cluster://u:topsecret@a:1,,b:2", "it has an empty host"),
        List.of("redis://u:topsecret@[::1", "is not a bracketed IPv6 address"),
        List.of("redis://u:topsecret@[zz]:1", "is not a bracketed IPv6 address"),
        List.of("redis://u:topsecret@h:99999999", "the port '99999999' of h"),
        List.of("memcached://u:topsecret@h:1", "rediss-cluster://"),
        List.of("redis://u:topsecret@h:0", "the port '0' of h is not 1 to 65535"),
        List.of("redis://u:topsecret@h:x", "the port 'x' of h"),
        List.of("redis://u:topsecret@h/x", "the database 'x' is not a number"),
        List.of("redis://u:topsecret@a:1,b:2", "use redis-cluster://"),
        List.of("redis-cluster://u:topsecret@a:1/2", "Redis Cluster has only database 0"),
        List.of("redis://u:topsecret@h?timeout=1", "query parameters are not supported"),
        List.of("redis://u:topsecret@h#jdtm.bogus=1", "unknown jdtm option 'jdtm.bogus'"),
        List.of("redis://u:topsecret@h#keyPrefix=a", "malformed jdtm option"),
        List.of("redis://u:topsecret@h#jdtm.shards=1&jdtm.shards=2", "given twice"),
        List.of("redis://u:@h", "the password is empty"),
        List.of("redis://u:topsecret@h_!", "is not a host name"));
    for (List<String> c : cases) {
      assertThatThrownBy(() -> RedisUri.parse(c.get(0))).as(c.get(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c.get(1))
          .hasMessageNotContaining("topsecret");
    }
  }

  @Test
  void badOptionValues_areRejectedByTheBuilderBeforeConnecting() {
    String base = "redis://u:topsecret@127.0.0.1:1#";
    List<List<String>> cases = List.of(
        List.of("jdtm.keyPrefix=bad-prefix", "invalid Redis key prefix 'bad-prefix'"),
        List.of("jdtm.keyPrefix=9x", "invalid Redis key prefix '9x'"),
        List.of("jdtm.shards=0", "'jdtm.shards' must be a positive number"),
        List.of("jdtm.shards=5000", "'jdtm.shards' must be 1 to 1024"),
        List.of("jdtm.commandTimeout=5", "must be a positive duration"),
        List.of("jdtm.connectTimeout=0s", "must be a positive duration"));
    for (List<String> c : cases) {
      assertThatThrownBy(() -> RedisStore.builder().uri(base + c.get(0)).build()).as(c.get(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c.get(1))
          .hasMessageNotContaining("topsecret");
    }
  }

  @Test
  void builder_badSettings_areRejectedWhenSet() {
    assertThatThrownBy(() -> RedisStore.builder().keyPrefix("a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
    assertThatThrownBy(() -> RedisStore.builder().keyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisStore.builder().keyPrefix("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisStore.builder().shards(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
    assertThatThrownBy(() -> RedisStore.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> RedisStore.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("0 given");
  }

  @Test
  void toStringAndMask_neverShowThePassword() {
    String uri = "redis://app:topsecret@h:1/2#jdtm.keyPrefix=a_";

    assertThat(RedisUri.parse(uri).toString()).doesNotContain("topsecret").contains("h:1/2");
    assertThat(RedisUri.mask(uri)).isEqualTo("redis://***@h:1/2#jdtm.keyPrefix=a_");
    assertThat(RedisUri.mask("redis://:a@b/c#d@h")).isEqualTo("redis://***@h");
  }

  @Test
  void storesOpen_badRedisUri_isRejectedByThisProviderWithoutThePassword() {
    assertThatThrownBy(() -> io.jdtm.Stores.open("redis://app:topsecret@h:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the port '0' of h")
        .hasMessageContaining("redis://***@h:0")
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void provider_supportsOnlyRedisSchemes() {
    RedisStoreProvider p = new RedisStoreProvider();

    assertThat(p.supports("redis://h")).isTrue();
    assertThat(p.supports("REDISS://h")).isTrue();
    assertThat(p.supports("redis-cluster://a:1,b:2")).isTrue();
    assertThat(p.supports("rediss-cluster://a:1,b:2")).isTrue();
    assertThat(p.supports("jdbc:h2:mem:x")).isFalse();
    assertThat(p.supports("redis:h")).isFalse();
    assertThat(p.name()).isEqualTo("redis");
  }
}
