package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Redis barrier on private {@code redis-server} processes (under {@code target/}) that
 * require a password: scripts reloaded after SCRIPT FLUSH, credentials kept out of errors and
 * {@code toString()}, and a server that goes away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBarrierLocalServerIT {
  private static final String PASSWORD = "s3cret-barrier-pw";
  private static final AtomicInteger GIDS = new AtomicInteger();

  private RedisServers.Private server;

  @BeforeAll
  void start() throws Exception {
    server = RedisServers.start("barrier-auth", List.of("--requirepass", PASSWORD));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String uri(RedisServers.Private local) {
    return local.uri().replace("redis://", "redis://:" + PASSWORD + "@");
  }

  private static BranchContext action(String gid) {
    return BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION);
  }

  private static String gid() {
    return "local-" + GIDS.incrementAndGet();
  }

  @Test
  void call_afterScriptFlush_reloadsTheScriptsAndApplies() throws Exception {
    try (RedisBarrier barrier = RedisBarrier.builder().uri(uri(server)).build()) {
      String gid = gid();
      String counter = "counter:" + gid;
      barrier.call(action(gid), fx -> {
        fx.incrBy(counter, 1);
        return Outcome.success();
      });

      assertThat(server.cli("-a", PASSWORD, "--no-auth-warning", "script", "flush")).contains("OK");
      Outcome afterFlush = barrier.call(action(gid()), fx -> {
        fx.incrBy(counter, 1);
        return Outcome.success();
      });
      String cachedAgain = server.cli("-a", PASSWORD, "--no-auth-warning", "script", "exists",
          sha(BarrierScripts.CALL));
      server.cli("-a", PASSWORD, "--no-auth-warning", "script", "flush");
      Outcome checkBack = barrier.queryPrepared(gid());
      server.cli("-a", PASSWORD, "--no-auth-warning", "script", "flush");
      long purged = barrier.purgeOlderThan(Instant.now().plus(Duration.ofDays(1)));

      assertThat(afterFlush).isEqualTo(Outcome.success());
      assertThat(server.cli("-a", PASSWORD, "--no-auth-warning", "get", counter).strip())
          .isEqualTo("2");
      assertThat(checkBack.kind()).isEqualTo(Outcome.Kind.FAILURE);
      assertThat(purged).isEqualTo(3);
      assertThat(cachedAgain.strip()).as("EVAL cached the script again").isEqualTo("1");
    }
  }

  @Test
  void toString_namesTheEndpointWithoutCredentials() {
    try (RedisBarrier barrier = RedisBarrier.builder().uri(uri(server)).keyPrefix("app_")
        .build()) {
      assertThat(barrier.toString()).isEqualTo("RedisBarrier[" + server.uri() + "/0"
          + ", keys app_barrier:*]").doesNotContain(PASSWORD);
    }
  }

  @Test
  void build_wrongPassword_isUnavailableWithoutThePassword() {
    String wrong = server.uri().replace("redis://", "redis://:wrong-pw-42@");

    assertThatThrownBy(() -> RedisBarrier.builder().uri(wrong).build())
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(server.uri())
        .satisfies(e -> assertNoSecret(e, "wrong-pw-42"));
  }

  @Test
  void call_serverGone_isUnavailableNamingTheStepAndEndpoint() throws Exception {
    RedisServers.Private doomed =
        RedisServers.start("barrier-doomed", List.of("--requirepass", PASSWORD));
    try (RedisBarrier barrier = RedisBarrier.builder().uri(uri(doomed))
        .commandTimeout(Duration.ofSeconds(2)).build()) {
      String gid = gid();
      doomed.stop();

      assertThatThrownBy(() -> barrier.call(action(gid), fx -> Outcome.success()))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("checking the barrier").hasMessageContaining(doomed.uri())
          .hasMessageContaining(gid).satisfies(e -> assertNoSecret(e, PASSWORD));
      assertThatThrownBy(() -> barrier.queryPrepared(gid))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("checking the message back")
          .satisfies(e -> assertNoSecret(e, PASSWORD));
      assertThatThrownBy(() -> barrier.purgeOlderThan(Instant.now()))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("purging")
          .satisfies(e -> assertNoSecret(e, PASSWORD));
    } finally {
      doomed.close();
    }
  }

  @Test
  void call_serverBackAfterARestart_succeedsAgainWithItsScriptsReloaded() throws Exception {
    RedisServers.Private restarted =
        RedisServers.start("barrier-restarted", List.of("--requirepass", PASSWORD));
    try (RedisBarrier barrier = RedisBarrier.builder().uri(uri(restarted))
        .commandTimeout(Duration.ofSeconds(2)).build()) {
      barrier.call(action(gid()), fx -> Outcome.success());
      restarted.stop();
      assertThatThrownBy(() -> barrier.call(action(gid()), fx -> Outcome.success()))
          .isInstanceOf(StoreUnavailableException.class);

      restarted.restart();

      String gid = gid();
      String counter = "counter:" + gid;
      Awaitility.await("the barrier reconnected").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).ignoreException(StoreUnavailableException.class)
          .until(() -> barrier.call(action(gid), fx -> {
            fx.incrBy(counter, 1);
            return Outcome.success();
          }).isSuccess());
      assertThat(restarted.cli("-a", PASSWORD, "--no-auth-warning", "get", counter).strip())
          .isEqualTo("1");
    } finally {
      restarted.close();
    }
  }

  @Test
  void build_noServer_isUnavailable() throws Exception {
    RedisServers.Private gone = RedisServers.start("barrier-gone", List.of());
    String uri = gone.uri();
    gone.close();

    assertThatThrownBy(() -> RedisBarrier.builder().uri(uri).build())
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cannot connect to "
            + uri);
  }

  private static void assertNoSecret(Throwable e, String secret) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
      assertThat(t.toString()).doesNotContain(secret);
    }
  }

  private static String sha(String script) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
        .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
