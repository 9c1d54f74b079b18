package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the Redis barrier adds to the contract, on the shared Redis: the effects (floors, reads
 * checked at apply, refusals that apply nothing and write no barrier key), the one-slot rule and
 * hash tags, and duplicate deliveries racing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBarrierIT {
  private static final AtomicInteger GIDS = new AtomicInteger();

  private final String prefix = RedisServers.uniquePrefix("barrier");
  private RedisBarrier barrier;
  private RedisBarrier oneSlot;
  private RedisClient client;
  private RedisCommands<String, String> redis;
  private ExecutorService threads;

  @BeforeAll
  void open() {
    String uri = RedisServers.sharedUri();
    barrier = RedisBarrier.builder().uri(uri).keyPrefix(prefix).build();
    oneSlot = RedisBarrier.builder().uri(uri).keyPrefix(prefix).requireOneSlot(true)
        .hashTags(gid -> gid.startsWith("alice.") ? "alice" : gid).build();
    client = RedisClient.create(RedisURI.create(uri));
    redis = client.connect().sync();
    threads = Executors.newCachedThreadPool();
  }

  @AfterAll
  void close() {
    if (threads != null) {
      threads.shutdownNow();
    }
    if (barrier != null) {
      barrier.close();
      oneSlot.close();
    }
    if (redis != null) {
      redis.keys(prefix + "*").forEach(redis::del);
      client.shutdown();
    }
  }

  private String gid() {
    return "rbit-" + ProcessHandle.current().pid() + "-" + GIDS.incrementAndGet();
  }

  private String key(String name) {
    return prefix + name + "-" + GIDS.incrementAndGet();
  }

  private List<String> barrierKeys(String gid) {
    return redis.keys(prefix + "barrier:*|" + gid + "|*");
  }

  private static BranchContext action(String gid) {
    return BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION);
  }

  @Test
  void adjust_belowTheFloor_isFailureAppliesNothingAndWritesNoBarrierKey() throws Exception {
    String gid = gid();
    String balance = key("balance");
    String log = key("log");
    redis.set(balance, "20");

    Outcome refused = barrier.call(action(gid), fx -> {
      fx.set(log, "debited");
      fx.adjust(balance, -30, 0);
      return Outcome.success();
    });

    assertThat(refused.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(refused.reason()).contains(balance).contains("holds 20").contains("floor");
    assertThat(redis.get(balance)).isEqualTo("20");
    assertThat(redis.exists(log)).isZero();
    assertThat(barrierKeys(gid)).isEmpty();
  }

  @Test
  void adjust_afterARefusal_aRedeliveryWithEnoughFundsApplies() throws Exception {
    String gid = gid();
    String balance = key("balance");
    redis.set(balance, "20");
    barrier.call(action(gid), fx -> {
      fx.adjust(balance, -30, 0);
      return Outcome.success();
    });
    redis.incrby(balance, 15);

    Outcome applied = barrier.call(action(gid), fx -> {
      fx.adjust(balance, -30, 0);
      return Outcome.success();
    });

    assertThat(applied).isEqualTo(Outcome.success());
    assertThat(redis.get(balance)).isEqualTo("5");
    assertThat(barrierKeys(gid)).hasSize(1);
  }

  @Test
  void adjust_twiceOnOneKey_checksTheFloorAfterEachStep() throws Exception {
    String balance = key("balance");
    redis.set(balance, "50");

    Outcome refused = barrier.call(action(gid()), fx -> {
      fx.adjust(balance, -30, 0).adjust(balance, -30, 0);
      return Outcome.success();
    });
    Outcome applied = barrier.call(action(gid()), fx -> {
      fx.adjust(balance, -30, 0).incrBy(balance, 100).adjust(balance, -30, 0);
      return Outcome.success();
    });

    assertThat(refused.reason()).contains("holds 20");
    assertThat(applied).isEqualTo(Outcome.success());
    assertThat(redis.get(balance)).isEqualTo("90");
  }

  @Test
  void adjust_absentKey_countsAsZero() throws Exception {
    String credit = key("credit");
    String debit = key("debit");

    Outcome applied = barrier.call(action(gid()), fx -> {
      fx.adjust(credit, 5, 0);
      return Outcome.success();
    });
    Outcome refused = barrier.call(action(gid()), fx -> {
      fx.adjust(debit, -1, 0);
      return Outcome.success();
    });

    assertThat(applied).isEqualTo(Outcome.success());
    assertThat(redis.get(credit)).isEqualTo("5");
    assertThat(refused.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(redis.exists(debit)).isZero();
  }

  @Test
  void effects_setDeleteIncr_applyTogetherInOrder() throws Exception {
    String a = key("a");
    String b = key("b");
    String c = key("c");
    redis.set(b, "old");

    Outcome applied = barrier.call(action(gid()), fx -> {
      fx.set(a, "x").delete(b).incrBy(c, 7).incrBy(c, -2).set(b, "new").delete(a);
      return Outcome.success();
    });

    assertThat(applied).isEqualTo(Outcome.success());
    assertThat(redis.exists(a)).isZero();
    assertThat(redis.get(b)).isEqualTo("new");
    assertThat(redis.get(c)).isEqualTo("5");
  }

  @Test
  void get_seesCommittedValuesThenTheWorksOwnEffects() throws Exception {
    String balance = key("balance");
    String absent = key("absent");
    redis.set(balance, "40");
    List<Object> seen = new ArrayList<>();

    barrier.call(action(gid()), fx -> {
      fx.incrBy(balance, -10);
      seen.add(fx.getLong(balance));
      fx.set(balance, "7");
      seen.add(fx.get(balance));
      seen.add(fx.get(absent));
      seen.add(fx.getLong(absent));
      fx.incrBy(absent, 3);
      seen.add(fx.getLong(absent));
      return Outcome.success();
    });

    assertThat(seen).containsExactly(30L, "7", null, 0L, 3L);
    assertThat(redis.get(balance)).isEqualTo("7");
    assertThat(redis.get(absent)).isEqualTo("3");
  }

  @Test
  void get_aValueThatIsNotUtf8Text_isRefusedClearlyAndNothingIsWritten() throws Exception {
    String gid = gid();
    String blob = key("blob");
    try (var bytes = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
      bytes.sync().set(blob.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
    }

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
        () -> barrier.call(action(gid), fx -> {
          fx.get(blob);
          return Outcome.success();
        }));

    assertThat(thrown).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("4 bytes that are not UTF-8 text");
    assertThat(barrierKeys(gid)).isEmpty();
  }

  @Test
  void get_valueChangedBeforeTheApply_throwsAppliesNothingAndARedeliveryApplies()
      throws Exception {
    String gid = gid();
    String balance = key("balance");
    redis.set(balance, "100");
    AtomicInteger runs = new AtomicInteger();
    io.jdtm.Barrier.LocalWork<RedisBarrier.Effects> take30 = fx -> {
      long seen = fx.getLong(balance);
      if (runs.incrementAndGet() == 1) {
        redis.incrby(balance, -80); // another writer, between the read and the apply
      }
      if (seen < 30) {
        return Outcome.failure("less than 30");
      }
      fx.incrBy(balance, -30);
      return Outcome.success();
    };

    assertThatThrownBy(() -> barrier.call(action(gid), take30))
        .isInstanceOf(ConcurrentModificationException.class).hasMessageContaining(balance)
        .hasMessageContaining("nothing applied");
    List<String> keysAfterConflict = barrierKeys(gid);
    redis.incrby(balance, 80);
    Outcome redelivered = barrier.call(action(gid), take30);

    assertThat(keysAfterConflict).isEmpty();
    assertThat(redelivered).isEqualTo(Outcome.success());
    assertThat(redis.get(balance)).isEqualTo("70");
  }

  @Test
  void get_absentKeyCreatedBeforeTheApply_throwsAndAppliesNothing() {
    String flag = key("flag");
    String other = key("other");

    assertThatThrownBy(() -> barrier.call(action(gid()), fx -> {
      if (fx.get(flag) == null) {
        redis.set(flag, "taken"); // another writer
        fx.set(other, "mine");
      }
      return Outcome.success();
    })).isInstanceOf(ConcurrentModificationException.class).hasMessageContaining(flag);
    assertThat(redis.exists(other)).isZero();
  }

  @Test
  void effects_onAKeyOfAnotherTypeOrNotAnInteger_throwAndApplyNothing() {
    String hash = key("hash");
    String text = key("text");
    String counter = key("counter");
    redis.hset(hash, "f", "v");
    redis.set(text, "abc");
    String gid = gid();

    assertThatThrownBy(() -> barrier.call(action(gid), fx -> {
      fx.incrBy(counter, 1).set(hash, "x");
      return Outcome.success();
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining(hash)
        .hasMessageContaining("hash");
    assertThatThrownBy(() -> barrier.call(action(gid), fx -> {
      fx.incrBy(counter, 1).incrBy(text, 1);
      return Outcome.success();
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining(text)
        .hasMessageContaining("integer");
    assertThatThrownBy(() -> barrier.call(action(gid), fx -> fx.getLong(text) > 0
        ? Outcome.success() : Outcome.failure("no")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'abc'");
    assertThatThrownBy(() -> barrier.call(action(gid), fx -> fx.get(hash) == null
        ? Outcome.success() : Outcome.failure("no")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("string");
    assertThat(redis.exists(counter)).isZero();
    assertThat(barrierKeys(gid)).isEmpty();
  }

  @Test
  void incrBy_pastTwoToThe53_isRefusedAndAppliesNothing() {
    String big = key("big");
    redis.set(big, Long.toString((1L << 53) - 2));

    assertThatThrownBy(() -> barrier.call(action(gid()), fx -> {
      fx.incrBy(big, 2);
      return Outcome.success();
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("2^53");
    assertThatThrownBy(() -> barrier.call(action(gid()), fx -> {
      fx.incrBy(big, 1L << 53);
      return Outcome.success();
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    assertThat(redis.get(big)).isEqualTo(Long.toString((1L << 53) - 2));
  }

  @Test
  void effects_onTheBarriersOwnKeys_areRefused() {
    String gid = gid();

    assertThatThrownBy(() -> barrier.call(action(gid), fx -> {
      fx.delete(prefix + "barrier:{" + gid + "}|saga|" + gid + "|01|compensate|01");
      return Outcome.success();
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("barrier's own keys");
    assertThatThrownBy(() -> barrier.call(action(gid), fx -> {
      fx.set("", "x");
      return Outcome.success();
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
  }

  @Test
  void oneSlot_aKeyInAnotherSlot_isRefusedBeforeAnyWrite() throws Exception {
    String gid = gid();
    String untagged = key("balance");
    String tagged = prefix + "balance:{" + gid + "}";

    assertThatThrownBy(() -> oneSlot.call(action(gid), fx -> {
      fx.incrBy(tagged, 1);
      fx.incrBy(untagged, 1);
      return Outcome.success();
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(untagged)
        .hasMessageContaining("slot").hasMessageContaining("{" + gid + "}");
    List<String> keysAfterRefusal = barrierKeys(gid);
    Outcome sameSlot = oneSlot.call(action(gid), fx -> {
      fx.incrBy(tagged, 1);
      return Outcome.success();
    });

    assertThat(keysAfterRefusal).isEmpty();
    assertThat(redis.exists(untagged)).isZero();
    assertThat(sameSlot).isEqualTo(Outcome.success());
    assertThat(redis.get(tagged)).isEqualTo("1");
  }

  @Test
  void oneSlot_aTagNamedByTheCall_putsTheBarrierKeysInTheEffectKeysSlot() throws Exception {
    String gid = gid();
    String balance = prefix + "balance:{bob}";
    AtomicInteger runs = new AtomicInteger();
    io.jdtm.Barrier.LocalWork<RedisBarrier.Effects> debit = fx -> {
      runs.incrementAndGet();
      fx.adjust(balance, -10, -100);
      return Outcome.success();
    };

    Outcome first = oneSlot.call(action(gid), "bob", debit);
    Outcome again = oneSlot.call(action(gid), "bob", debit);
    Outcome compensate = oneSlot.call(BranchContext.of(gid, Mode.SAGA, "01",
        BranchOp.COMPENSATE), "bob", fx -> {
          fx.incrBy(balance, 10);
          return Outcome.success();
        });

    assertThat(List.of(first, again, compensate)).containsOnly(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(redis.get(balance)).isEqualTo("0");
    assertThat(barrierKeys(gid)).allMatch(k -> k.startsWith(prefix + "barrier:{bob}|"));
  }

  @Test
  void hashTags_aMessageUsesItsGidsTag_andTheCheckBackLooksThere() throws Exception {
    String gid = "alice." + gid();
    String balance = prefix + "balance:{alice}";
    redis.set(balance, "10");
    BranchContext local = BranchContext.of(gid, Mode.MSG, "00", BranchOp.MSG);

    assertThatThrownBy(() -> oneSlot.call(BranchContext.of(gid, Mode.MSG, "00", BranchOp.MSG),
        "bob", fx -> Outcome.success())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'alice'").hasMessageContaining("'bob'");
    Outcome committed = oneSlot.call(local, fx -> {
      fx.adjust(balance, -10, 0);
      return Outcome.success();
    });

    assertThat(committed).isEqualTo(Outcome.success());
    assertThat(oneSlot.queryPrepared(gid)).isEqualTo(Outcome.success());
    assertThat(redis.get(balance)).isEqualTo("0");
  }

  @Test
  void call_invalidHashTag_isRefusedNamingIt() {
    assertThatThrownBy(() -> barrier.call(action(gid()), "a{b", fx -> Outcome.success()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a{b'");
    assertThatThrownBy(() -> barrier.call(action(gid()), "", fx -> Outcome.success()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hash tag ''");
  }

  @Test
  void call_concurrentDuplicateDeliveriesOfOneOp_applyOnce() throws Exception {
    int racers = 8;
    String gid = gid();
    String balance = key("balance");
    redis.set(balance, "100");
    CountDownLatch allInWork = new CountDownLatch(racers);
    List<Future<Outcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      outcomes.add(threads.submit(() -> barrier.call(action(gid), fx -> {
        fx.adjust(balance, -30, 0);
        allInWork.countDown(); // every delivery passed the probe before any applies
        assertThat(allInWork.await(30, TimeUnit.SECONDS)).isTrue();
        return Outcome.success();
      })));
    }

    for (Future<Outcome> outcome : outcomes) {
      assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.success());
    }
    assertThat(redis.get(balance)).isEqualTo("70");
    assertThat(barrierKeys(gid)).hasSize(1);
  }

  @Test
  void call_concurrentCompensationsAndALateAction_compensateOnceOrNeverAndTheActionNever()
      throws Exception {
    String gid = gid();
    String balance = key("balance");
    redis.set(balance, "100");
    AtomicInteger actions = new AtomicInteger();
    List<Future<Outcome>> compensations = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      compensations.add(threads.submit(() -> barrier.call(
          BranchContext.of(gid, Mode.SAGA, "01", BranchOp.COMPENSATE), fx -> {
            fx.incrBy(balance, 30);
            return Outcome.success();
          })));
    }
    for (Future<Outcome> f : compensations) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.success());
    }

    Outcome lateAction = barrier.call(action(gid), fx -> {
      actions.incrementAndGet();
      fx.incrBy(balance, -30);
      return Outcome.success();
    });

    assertThat(lateAction).isEqualTo(Outcome.success());
    assertThat(actions).hasValue(0);
    assertThat(redis.get(balance)).as("null compensations change nothing").isEqualTo("100");
  }

  @Test
  void builder_badSettings_areRefusedNamingThem() {
    assertThatThrownBy(() -> RedisBarrier.builder().keyPrefix("bad-prefix"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad-prefix'")
        .hasMessageContaining("[A-Za-z_][A-Za-z0-9_]{0,62}");
    assertThatThrownBy(() -> RedisBarrier.builder().keyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisBarrier.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> RedisBarrier.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("0 are set");
    assertThatThrownBy(() -> RedisBarrier.builder().uri("redis://127.0.0.1")
        .client(client).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 are set");
  }

  @Test
  void builder_badUris_areRefusedWithoutTheirSecrets() {
    assertThatThrownBy(() -> RedisBarrier.builder().uri("http://u:s3cret@127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis-cluster://")
        .hasMessageNotContaining("s3cret");
    for (String bad : List.of("redis://u:s3cret@:notaport", "redis://u:s3cret@host:abc",
        "redis://u:s3cret@host:99999999", "rediss://")) {
      assertThatThrownBy(() -> RedisBarrier.builder().uri(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid Redis URI")
          .hasMessageNotContaining("s3cret").hasNoCause();
    }
    assertThatThrownBy(() -> RedisBarrier.builder()
        .uri("redis-cluster://u:s3cret@127.0.0.1:7000,,127.0.0.1:7001"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty host")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void builder_aGivenClient_isLeftOpenOnClose() throws Exception {
    String counter = key("counter");
    try (RedisBarrier given = RedisBarrier.builder().client(client).keyPrefix(prefix).build()) {
      given.call(action(gid()), fx -> {
        fx.incrBy(counter, 1);
        return Outcome.success();
      });
      assertThat(given.toString()).contains("a caller's RedisClient");
    }

    assertThat(redis.get(counter)).isEqualTo("1");
    try (var again = client.connect()) {
      assertThat(again.sync().ping()).isEqualTo("PONG");
    }
  }

  @Test
  void purgeOlderThan_keepsKeysOfOtherPrefixes() throws Exception {
    String gid = gid();
    barrier.call(action(gid), fx -> Outcome.success());
    String otherPrefix = RedisServers.uniquePrefix("barrier");
    try (RedisBarrier other = RedisBarrier.builder().uri(RedisServers.sharedUri())
        .keyPrefix(otherPrefix).build()) {

      long purged = other.purgeOlderThan(Instant.now().plus(Duration.ofDays(1)));

      assertThat(purged).isZero();
      assertThat(barrierKeys(gid)).hasSize(1);
    }
  }
}
