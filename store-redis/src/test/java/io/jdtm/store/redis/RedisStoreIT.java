package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.JdtmException;
import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.Stores;
import io.jdtm.TxStatus;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.StderrCapture;
import io.jdtm.testkit.TestRecords;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis store's own behaviour on real servers: the durability check, unreadable records,
 * outages and restarts, lost scripts, key layout, a caller's client, and credentials kept out of
 * messages and logs.
 */
class RedisStoreIT {
  private static final Instant T0 = ManualClock.DEFAULT_START;
  private static final List<String> PREFIXES = new CopyOnWriteArrayList<>();
  private static final List<RedisServers.Private> SERVERS = new CopyOnWriteArrayList<>();

  @AfterAll
  static void cleanUp() {
    SERVERS.forEach(RedisServers.Private::kill);
    if (!PREFIXES.isEmpty()) {
      for (String p : PREFIXES) {
        RedisServers.deleteKeys(RedisServers.sharedUri(), p);
      }
    }
  }

  private static String prefix(String hint) {
    String p = RedisServers.uniquePrefix(hint);
    PREFIXES.add(p);
    return p;
  }

  private static RedisServers.Private server(String name, List<String> options) {
    RedisServers.Private s = RedisServers.start(name, options);
    SERVERS.add(s);
    return s;
  }

  private static <T> T withRaw(String uri, java.util.function.Function<RedisCommands<String,
      String>, T> work) {
    RedisClient client = RedisClient.create(RedisURI.create(uri));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return work.apply(c.sync());
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  // ---- durability ------------------------------------------------------------------------

  @Test
  void open_nonDurableSharedServer_warnsOnceAndLeavesDurableOut() {
    String prefix = prefix("nondurable");
    RedisStore[] store = new RedisStore[1];
    String log = StderrCapture.during(() -> store[0] = RedisServers.sharedStore(prefix));
    try {
      assertThat(store[0].capabilities()).doesNotContain(StoreCapability.DURABLE)
          .contains(StoreCapability.SHARED_ACROSS_PROCESSES, StoreCapability.BATCHED_APPLY)
          .doesNotContain(StoreCapability.NON_BLOCKING, StoreCapability.CALLER_TRANSACTION);
      assertThat(log.lines().filter(l -> l.contains("WARN")).toList()).singleElement()
          .asString().contains("does not declare DURABLE", "appendonly no",
              "'appendonly yes', 'appendfsync always'");
    } finally {
      store[0].close();
    }
  }

  @Test
  void open_privateDurableServer_declaresDurableWithoutWarning() {
    RedisServers.Private durable = server("durable", RedisServers.DURABLE);
    RedisStore[] store = new RedisStore[1];
    String log = StderrCapture.during(() -> store[0] = RedisStore.builder().uri(durable.uri())
        .keyPrefix("d_").build());
    try {
      assertThat(store[0].capabilities()).contains(StoreCapability.DURABLE);
      assertThat(log).doesNotContain("WARN");
    } finally {
      store[0].close();
    }
  }

  @Test
  void open_everysecFsync_warnsWhatAnOsCrashCanLose() {
    RedisServers.Private everysec = server("everysec", List.of("--appendonly", "yes",
        "--appendfsync", "everysec"));
    RedisStore[] store = new RedisStore[1];
    String log = StderrCapture.during(() -> store[0] = RedisStore.builder().uri(everysec.uri())
        .build());
    try {
      assertThat(store[0].capabilities()).doesNotContain(StoreCapability.DURABLE);
      assertThat(log.lines().filter(l -> l.contains("WARN")).toList()).singleElement()
          .asString().contains("appendfsync everysec", "power loss");
    } finally {
      store[0].close();
    }
  }

  @Test
  void open_evictingMemoryPolicy_warnsThatRecordsCanBeEvicted() {
    RedisServers.Private evicting = server("evicting", List.of("--appendonly", "yes",
        "--appendfsync", "always", "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"));
    RedisStore[] store = new RedisStore[1];
    String log = StderrCapture.during(() -> store[0] = RedisStore.builder().uri(evicting.uri())
        .build());
    try {
      assertThat(store[0].capabilities()).doesNotContain(StoreCapability.DURABLE);
      assertThat(log.lines().filter(l -> l.contains("WARN")).toList()).singleElement()
          .asString().contains("maxmemory-policy allkeys-lru", "evicts transaction records")
          .doesNotContain("appendonly yes,");
    } finally {
      store[0].close();
    }
  }

  @Test
  void open_configCommandDisabled_warnsThatDurabilityCannotBeVerified() {
    RedisServers.Private noConfig = server("noconfig", List.of("--appendonly", "yes",
        "--appendfsync", "always", "--rename-command", "CONFIG", ""));
    RedisStore[] store = new RedisStore[1];
    String log = StderrCapture.during(() -> store[0] = RedisStore.builder().uri(noConfig.uri())
        .build());
    try {
      assertThat(store[0].capabilities()).doesNotContain(StoreCapability.DURABLE);
      assertThat(log.lines().filter(l -> l.contains("WARN")).toList()).singleElement()
          .asString().contains("durability cannot be verified");
    } finally {
      store[0].close();
    }
  }

  // ---- unreadable records ----------------------------------------------------------------

  @Test
  void unreadableRecord_loadNamesTheFieldQueryAndClaimSkipIt() {
    String prefix = prefix("unreadable");
    try (RedisStore store = RedisServers.sharedStore(prefix)) {
      TxRecord bad = TestRecords.simple("bad-1", Mode.SAGA, TxStatus.SUBMITTED, T0, T0);
      TxRecord good = TestRecords.simple("good-1", Mode.SAGA, TxStatus.SUBMITTED, T0, T0);
      store.create(bad);
      store.create(good);
      int shard = new Keys(prefix, RedisStore.DEFAULT_SHARDS).shard("bad-1");
      String key = prefix + "{" + prefix + "s" + shard + "}tx:bad-1";
      withRaw(RedisServers.sharedUri(), r -> r.hset(key, "p", "\u0001\u0000\u0007"));

      assertThatThrownBy(() -> store.load("bad-1")).isInstanceOf(JdtmException.class)
          .hasMessageContaining("unreadable").hasMessageContaining(key)
          .hasMessageContaining("field p");
      String log = StderrCapture.during(() -> {
        assertThat(store.query(TxQuery.all(10)).records()).extracting(TxRecord::gid)
            .containsExactly("good-1");
        assertThat(store.claimDue(T0.plusSeconds(1), "me", Duration.ofSeconds(30), 10))
            .extracting(TxRecord::gid).containsExactly("good-1");
      });
      assertThat(log).contains("ERROR").contains("gid=bad-1").contains("field p");

      withRaw(RedisServers.sharedUri(), r -> r.hset(key, "s", "BOGUS"));
      assertThatThrownBy(() -> store.load("bad-1")).isInstanceOf(JdtmException.class)
          .hasMessageContaining("field s holds 'BOGUS'");
      withRaw(RedisServers.sharedUri(), r -> r.hset(key, "v", "x1"));
      assertThatThrownBy(() -> store.load("bad-1")).isInstanceOf(JdtmException.class)
          .hasMessageContaining("field s holds 'BOGUS'"); // the first problem found is named
    }
  }

  // ---- outages and lost scripts ----------------------------------------------------------

  @Test
  void redisKilled_callsFailPromptly_andSucceedAgainAfterARestartOnTheSamePort() {
    RedisServers.Private flaky = server("outage", List.of());
    try (RedisStore store = RedisStore.builder().uri(flaky.uri())
        .commandTimeout(Duration.ofSeconds(2)).build()) {
      store.create(TestRecords.simple("before", Mode.SAGA, TxStatus.SUBMITTED, T0, T0));

      flaky.kill();
      long start = System.nanoTime();
      assertThatThrownBy(() -> store.load("before"))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("load");
      assertThatThrownBy(() -> store.create(TestRecords.simple("during", Mode.SAGA,
          TxStatus.SUBMITTED, T0, T0))).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("create");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

      flaky.restart(); // same port, empty (no persistence), no scripts cached
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .ignoreException(StoreUnavailableException.class)
          .until(() -> store.create(TestRecords.simple("after", Mode.SAGA, TxStatus.SUBMITTED,
              T0, T0)).created());
      assertThat(store.load("after")).isPresent();
      assertThat(store.claimDue(T0.plusSeconds(1), "me", Duration.ofSeconds(30), 10))
          .extracting(TxRecord::gid).containsExactly("after");
    }
  }

  @Test
  void scriptFlush_everyScriptRunsAgain() {
    RedisServers.Private own = server("noscript", List.of());
    try (RedisStore store = RedisStore.builder().uri(own.uri()).build()) {
      TxRecord r = TestRecords.saga("flushed", T0, T0);
      store.create(r);

      withRaw(own.uri(), c -> c.scriptFlush());
      assertThat(store.update(TxUpdate.against(r).updatedAt(T0).nextDueAt(T0).build())).isTrue();
      withRaw(own.uri(), c -> c.scriptFlush());
      assertThat(store.claimDue(T0, "me", Duration.ofSeconds(30), 5)).hasSize(1);
      withRaw(own.uri(), c -> c.scriptFlush());
      assertThat(store.query(TxQuery.all(5)).records()).hasSize(1);
      withRaw(own.uri(), c -> c.scriptFlush());
      assertThat(store.create(TestRecords.saga("second", T0, T0)).created()).isTrue();
      withRaw(own.uri(), c -> c.scriptFlush());
      assertThat(store.purge(T0.plusSeconds(60))).isZero();
      assertThat(store.load("flushed").orElseThrow().version()).isEqualTo(3);
    }
  }

  // ---- round trips -----------------------------------------------------------------------

  @Test
  void roundTrips_oneScriptPerCreateUpdateAndApplyItem_oneReadPerLoad() {
    RedisServers.Private own = server("roundtrips", List.of());
    try (RedisStore store = RedisStore.builder().uri(own.uri()).build()) {
      TxRecord a = TestRecords.saga("rt-a", T0, T0);
      TxRecord b = TestRecords.saga("rt-b", T0, T0);
      withRaw(own.uri(), c -> c.configResetstat());

      store.create(a);
      store.create(b);
      store.update(TxUpdate.against(a).updatedAt(T0).nextDueAt(T0.plusSeconds(1)).build());
      store.load("rt-a");
      store.apply(List.of(TxUpdate.against(b).updatedAt(T0).nextDueAt(T0).build()));

      String stats = withRaw(own.uri(), c -> c.info("commandstats"));
      assertThat(calls(stats, "evalsha")).isEqualTo(4); // 2 creates, 1 update, 1 applied item
      assertThat(calls(stats, "hgetall")).isEqualTo(1);
      assertThat(calls(stats, "eval")).isZero();
    }
  }

  private static long calls(String stats, String command) {
    return stats.lines().filter(l -> l.startsWith("cmdstat_" + command + ":")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"))).orElse(0L);
  }

  // ---- layout ----------------------------------------------------------------------------

  @Test
  void reopen_withAnotherNumberOfShards_isRefused() {
    String prefix = prefix("shards");
    RedisStore.builder().uri(RedisServers.sharedUri()).keyPrefix(prefix).shards(8).build()
        .close();

    assertThatThrownBy(() -> RedisServers.sharedStore(prefix))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("laid out in 8 shards, but this store was opened with 16");
    RedisStore.builder().uri(RedisServers.sharedUri()).keyPrefix(prefix).shards(8).build()
        .close();
  }

  @Test
  void storesOnOnePrefixShareRecords_andOtherPrefixesDoNotSeeThem() {
    String one = prefix("share");
    String other = prefix("other");
    try (RedisStore a = RedisServers.sharedStore(one);
        RedisStore b = RedisServers.sharedStore(one);
        RedisStore c = RedisServers.sharedStore(other)) {
      a.create(TestRecords.saga("shared-1", T0, T0));

      assertThat(b.load("shared-1")).isPresent();
      assertThat(c.load("shared-1")).isEmpty();
      assertThat(c.query(TxQuery.all(10)).records()).isEmpty();
    }
  }

  @Test
  void storesOpen_redisUri_givesARedisStore() {
    String prefix = prefix("provider");
    try (TransactionStore s = Stores.open(RedisServers.sharedUri() + "#jdtm.keyPrefix=" + prefix
        + "&jdtm.commandTimeout=3s")) {
      assertThat(s).isInstanceOf(RedisStore.class);
      assertThat(s.toString()).contains(prefix);
      assertThat(s.create(TestRecords.saga("via-uri", T0, T0)).created()).isTrue();
    }
  }

  @Test
  void callersClient_thatWouldReplayCommandsAfterAReconnect_isRefused() {
    RedisClient client = RedisClient.create(RedisURI.create(RedisServers.sharedUri()));
    try {
      assertThatThrownBy(() -> RedisStore.builder().client(client).keyPrefix(prefix("replay"))
          .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("disconnectedBehavior(REJECT_COMMANDS)");
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Test
  void callersClient_isNotShutDownWhenTheStoreCloses() {
    RedisClient client = RedisClient.create(RedisURI.create(RedisServers.sharedUri()));
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    try {
      String prefix = prefix("client");
      RedisStore store = RedisStore.builder().client(client).keyPrefix(prefix).build();
      store.create(TestRecords.saga("by-client", T0, T0));
      store.close();

      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().ping()).isEqualTo("PONG");
      }
      assertThatThrownBy(() -> store.load("by-client"))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("closed");
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  // ---- credentials -----------------------------------------------------------------------

  @Test
  void credentials_neverInToStringErrorsOrLogs() {
    String password = "Pw-" + Long.toHexString(System.nanoTime()) + "-secret";
    String userPassword = "User-" + Long.toHexString(System.nanoTime()) + "-secret";
    RedisServers.Private locked = server("auth", List.of("--requirepass", password,
        "--user", "app", "on", ">" + userPassword, "~*", "&*", "+@all"));
    String base = locked.uri().replace("redis://", "");
    String log = StderrCapture.during(() -> {
      assertThatThrownBy(() -> RedisStore.builder().uri("redis://app:wrong-" + userPassword
          + "@" + base).build()).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("WRONGPASS").hasMessageNotContaining(userPassword);
      assertThatThrownBy(() -> RedisStore.builder().uri("redis://:" + password + "@127.0.0.1:1")
          .connectTimeout(Duration.ofSeconds(1)).build())
          .isInstanceOf(StoreUnavailableException.class).hasMessageNotContaining(password);
      try (RedisStore byPassword = RedisStore.builder().uri("redis://:" + password + "@" + base)
          .build();
          RedisStore byUser = RedisStore.builder().uri("redis://app:" + userPassword + "@" + base)
              .build()) {
        byPassword.create(TestRecords.saga("auth-1", T0, T0));
        assertThat(byUser.load("auth-1")).isPresent();
        assertThat(byPassword.toString()).doesNotContain(password);
        assertThat(byUser.toString()).doesNotContain(userPassword);
        locked.kill();
        assertThatThrownBy(() -> byUser.load("auth-1"))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageNotContaining(userPassword).hasMessageNotContaining(password);
      }
    });
    assertThat(log).doesNotContain(password).doesNotContain(userPassword);
  }
}
