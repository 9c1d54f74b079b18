package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreUriTest {
  @Test
  void parse_plainUri_defaultsPortAndDatabase() {
    StoreUri u = StoreUri.parse("redis://localhost");

    assertThat(u.cluster()).isFalse();
    assertThat(u.tls()).isFalse();
    assertThat(u.nodes()).containsExactly(new StoreUri.HostPort("localhost", 6379));
    assertThat(u.database()).isZero();
    assertThat(u.user()).isNull();
    assertThat(u.password()).isNull();
    assertThat(u.options()).isEmpty();
  }

  @Test
  void parse_fullUri_readsEveryPart() {
    StoreUri u = StoreUri.parse("rediss://app:s%40cr%23t@10.0.0.5:6380/3"
        + "#jdtm.keyPrefix=pay_&jdtm.shards=8&jdtm.commandTimeout=2s&jdtm.connectTimeout=500ms");

    assertThat(u.tls()).isTrue();
    assertThat(u.nodes()).containsExactly(new StoreUri.HostPort("10.0.0.5", 6380));
    assertThat(u.database()).isEqualTo(3);
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("s@cr#t");
    assertThat(u.options()).isEqualTo(Map.of("keyPrefix", "pay_", "shards", "8",
        "commandTimeout", "2s", "connectTimeout", "500ms"));
    assertThat(StoreUri.duration("commandTimeout", "2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(StoreUri.duration("connectTimeout", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(StoreUri.duration("x", "3m")).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void parse_passwordWithRawSpecialCharacters_endsUserInfoAtTheLastAt() {
    StoreUri u = StoreUri.parse("redis://:p@ss/w#rd@h:1#jdtm.keyPrefix=x_");

    assertThat(u.user()).isNull();
    assertThat(u.password()).isEqualTo("p@ss/w#rd");
    assertThat(u.nodes()).containsExactly(new StoreUri.HostPort("h", 1));
    assertThat(u.options()).containsEntry("keyPrefix", "x_");
  }

  @Test
  void parse_userInfoWithoutColon_isThePassword() {
    StoreUri u = StoreUri.parse("redis://secret@h");

    assertThat(u.user()).isNull();
    assertThat(u.password()).isEqualTo("secret");
  }

  @Test
  void parse_clusterUri_readsEverySeed() {
    StoreUri u = StoreUri.parse("redis-cluster://u:p@a:7000,b:7001,c");

    assertThat(u.cluster()).isTrue();
    assertThat(u.nodes()).containsExactly(new StoreUri.HostPort("a", 7000),
        new StoreUri.HostPort("b", 7001), new StoreUri.HostPort("c", 6379));
    assertThat(u.address()).isEqualTo("redis-cluster://a:7000,b:7001,c:6379");
  }

  @Test
  void parse_badUris_areRejectedNamingTheProblemWithoutThePassword() {
    List<List<String>> cases = List.of(
        List.of("http://u:topsecret@h", "must start with redis://"),
        List.of("redis://u:topsecret@", "a host is missing"),
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
      assertThatThrownBy(() -> StoreUri.parse(c.get(0))).as(c.get(0))
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

    assertThat(StoreUri.parse(uri).toString()).doesNotContain("topsecret").contains("h:1/2");
    assertThat(StoreUri.mask(uri)).isEqualTo("redis://***@h:1/2#jdtm.keyPrefix=a_");
    assertThat(StoreUri.mask("redis://:a@b/c#d@h")).isEqualTo("redis://***@h");
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
    assertThat(p.supports("jdbc:h2:mem:x")).isFalse();
    assertThat(p.supports("redis:h")).isFalse();
    assertThat(p.name()).isEqualTo("redis");
  }
}
