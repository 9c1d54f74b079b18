package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.StoreUnavailableException;
import io.jdtm.Stores;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestRecords;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis store and barrier over TLS, on a private {@link RedisTlsServer} that has no plain
 * port: a caller's Lettuce client trusting the test CA serves both; a {@code rediss://} URI
 * (and a barrier's {@code rediss://} URI) works in a JVM whose default trust store holds the CA;
 * and every mismatch (CA not trusted, plain client on the TLS port, TLS client on a plain server)
 * fails with a {@link StoreUnavailableException} naming the endpoint, never hangs, and shows no
 * password. Store and barrier connect the same way and fail alike: the message carries the reason
 * (the certificate path, a connection reset, a connection initialization timeout), and no Lettuce
 * exception is attached as a cause.
 */
class RedisTlsIT {
  private static final Instant T0 = ManualClock.DEFAULT_START;
  /** Connect (and command) timeout of the failing opens. */
  private static final Duration CONNECT = Duration.ofSeconds(2);

  private static RedisTlsServer server;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    server = RedisTlsServer.start("tls");
    client = server.newClient();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private static String prefix(String hint) {
    return RedisServers.uniquePrefix("tls_" + hint);
  }

  // ---- a caller's client with SslOptions ---------------------------------------------------

  @Test
  void callersTlsClient_storeCreatesLoadsUpdatesClaimsAndQueries() {
    try (RedisStore store = RedisStore.builder().client(client).keyPrefix(prefix("store"))
        .build()) {
      TxRecord r = TestRecords.saga("tls-1", T0, T0);
      TxRecord other = TestRecords.simple("tls-2", Mode.SAGA, TxStatus.SUBMITTED, T0,
          T0.plusSeconds(60));

      assertThat(store.create(r).created()).isTrue();
      assertThat(store.create(other).created()).isTrue();
      assertThat(store.create(r).created()).isFalse();
      assertThat(store.load("tls-1")).hasValueSatisfying(loaded -> {
        assertThat(loaded.version()).isEqualTo(1);
        assertThat(loaded.branches()).hasSize(4);
        assertThat(loaded.customData()).isEqualTo(r.customData());
      });
      Instant later = T0.plusSeconds(5);
      assertThat(store.update(TxUpdate.against(r).updatedAt(later).nextDueAt(T0).build()))
          .isTrue();
      assertThat(store.update(TxUpdate.against(r).updatedAt(later).nextDueAt(T0).build()))
          .as("a second update against the stale base").isFalse();
      assertThat(store.load("tls-1").orElseThrow().version()).isEqualTo(2);
      assertThat(store.claimDue(T0.plusSeconds(1), "me", Duration.ofSeconds(30), 10))
          .extracting(TxRecord::gid, TxRecord::leaseOwner).containsExactly(tuple("tls-1", "me"));
      assertThat(store.query(TxQuery.all(10)).records()).extracting(TxRecord::gid)
          .containsExactlyInAnyOrder("tls-1", "tls-2");
    }
    assertThat(serverPing()).as("the caller's client outlives the store").isEqualTo("PONG");
  }

  @Test
  void callersTlsClient_barrierAppliesACallOnceAndSkipsARepeat() throws Exception {
    String prefix = prefix("barrier");
    String balance = prefix + "balance";
    AtomicInteger ran = new AtomicInteger();
    try (RedisBarrier barrier = RedisBarrier.builder().client(client).keyPrefix(prefix)
        .build()) {
      RedisBarrier.LocalWork<RedisBarrier.Effects> work = fx -> {
        ran.incrementAndGet();
        fx.incrBy(balance, 30);
        return Outcome.success();
      };

      assertThat(barrier.call(action("tls-barrier-1"), work)).isEqualTo(Outcome.success());
      assertThat(barrier.call(action("tls-barrier-1"), work)).as("a repeated delivery")
          .isEqualTo(Outcome.success());
    }
    assertThat(ran).as("runs of the work").hasValue(1);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().get(balance)).isEqualTo("30");
      assertThat(c.sync().keys(prefix + "barrier:*")).hasSize(1);
    }
  }

  /** One delivery of the branch's action (each delivery has its own context). */
  private static BranchContext action(String gid) {
    return BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION);
  }

  private static String serverPing() {
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().ping();
    }
  }

  // ---- a rediss:// URI through Stores.open, trusted by the JVM -----------------------------

  @Test
  void redissUri_inAChildJvmTrustingTheCa_storesOpenCreatesAndLoads_barrierAppliesOnce()
      throws Exception {
    String prefix = prefix("child");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djavax.net.ssl.trustStore=" + server.trustStore(),
        "-Djavax.net.ssl.trustStorePassword=" + server.trustStorePassword(),
        "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-cp", classPath(), RedisTlsChild.class.getName()));
    Path log = server.dir().resolve("child.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put(RedisTlsChild.URI_ENV, server.uri());
    builder.environment().put(RedisTlsChild.GID_ENV, "tls-child-1");
    builder.environment().put(RedisTlsChild.PREFIX_ENV, prefix);
    Process p = builder.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the child JVM did not finish within 2 minutes; see " + log);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("opened RedisStore[").contains("rediss://127.0.0.1:"
        + server.port()).contains("created true").contains("loaded tls-child-1")
        .contains("barrier delivery 0 SUCCESS").contains("barrier delivery 1 SUCCESS")
        .contains("barrier work ran 1 time(s)");
    assertThat(output).doesNotContain(server.password());
    try (RedisStore store = RedisStore.builder().client(client).keyPrefix(prefix).build()) {
      assertThat(store.load("tls-child-1")).as("the child's record, read here")
          .hasValueSatisfying(r -> assertThat(r.version()).isEqualTo(1));
    }
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().get(prefix + "child_counter")).isEqualTo("1");
    }
  }

  /** Surefire and failsafe may run tests from a manifest-only jar; the real path is here. */
  private static String classPath() {
    String real = System.getProperty("surefire.test.class.path");
    return real != null && !real.isBlank() ? real : System.getProperty("java.class.path");
  }

  // ---- a rediss:// URI with the builders' sslOptions ------------------------------------------

  @Test
  void redissUri_withSslOptionsTrustingTheCa_storeAndBarrierWork() throws Exception {
    String uri = server.uri() + "#jdtm.keyPrefix=" + prefix("options");
    try (RedisStore store = RedisStore.builder().uri(uri).sslOptions(server.sslOptions())
        .build()) {
      TxRecord r = TestRecords.saga("tls-options", T0, T0);
      assertThat(store.create(r).created()).isTrue();
      assertThat(store.load("tls-options")).hasValueSatisfying(
          loaded -> assertThat(loaded.branches()).hasSize(4));
    }
    try (RedisBarrier barrier = RedisBarrier.builder().uri(server.uri())
        .keyPrefix(prefix("options_b")).sslOptions(server.sslOptions()).build()) {
      int[] runs = new int[1];
      for (int delivery = 0; delivery < 2; delivery++) {
        assertThat(barrier.call(action("tls-options-b"), fx -> {
          runs[0]++;
          fx.incrBy("n:{tls-options-b}", 1);
          return Outcome.success();
        })).isEqualTo(Outcome.success());
      }
      assertThat(runs[0]).as("the repeat is skipped").isEqualTo(1);
    }
  }

  // ---- failures: untrusted CA, plain client on TLS, TLS client on plain ----------------------

  @Test
  void redissUri_caNotTrusted_storeFailsWithinTheConnectTimeoutNamingTheCertificateProblem() {
    String uri = server.uri() + "#jdtm.keyPrefix=" + prefix("untrusted") + "&jdtm.connectTimeout="
        + CONNECT.toSeconds() + "s";

    StoreUnavailableException e = failsWithin(CONNECT, () -> Stores.open(uri).close());

    assertThat(e.getMessage()).contains("cannot connect to rediss://127.0.0.1:" + server.port())
        .contains("unable to find valid certification path to requested target");
    assertNoSecret(e);
  }

  @Test
  void redissUri_caNotTrusted_barrierFailsPromptlyNamingTheHandshakeFailure() {
    StoreUnavailableException e = failsWithin(CONNECT,
        () -> RedisBarrier.builder().uri(server.uri()).commandTimeout(CONNECT).build().close());

    assertThat(e.getMessage()).startsWith("Redis barrier: cannot connect to rediss://127.0.0.1:"
        + server.port()).contains("unable to find valid certification path to requested target");
    assertThat(e).hasNoCause();
    assertNoSecret(e);
  }

  @Test
  void plainUri_toTheTlsPort_storeAndBarrierFailPromptly_connectionReset() {
    String plain = "redis://:" + server.password() + "@127.0.0.1:" + server.port();
    String uri = plain + "#jdtm.keyPrefix=" + prefix("plain") + "&jdtm.connectTimeout="
        + CONNECT.toSeconds() + "s&jdtm.commandTimeout=" + CONNECT.toSeconds() + "s";

    StoreUnavailableException store = failsWithin(CONNECT, () -> Stores.open(uri).close());
    StoreUnavailableException barrier = failsWithin(CONNECT,
        () -> RedisBarrier.builder().uri(plain).commandTimeout(CONNECT).build().close());

    assertThat(store.getMessage()).contains("cannot connect to redis://127.0.0.1:"
        + server.port()).contains("Connection reset");
    assertThat(barrier.getMessage()).contains("cannot connect to redis://127.0.0.1:"
        + server.port()).contains("Connection reset");
    assertThat(barrier).hasNoCause();
    assertNoSecret(store);
    assertNoSecret(barrier);
  }

  /**
   * A plain Redis never answers a TLS ClientHello (its inline-command parser waits for a newline
   * and stops looking at the hello's NUL bytes), so only a timeout ends the attempt: the connect
   * timeout of store and barrier alike (the TLS handshake and Lettuce's connection
   * initialization are both bounded by it), not the longer command timeout.
   */
  @Test
  void redissUri_toThePlainSharedServer_storeAndBarrierFailAfterTheConnectTimeout_noHang() {
    String tls = RedisServers.sharedUri().replaceFirst("^redis://", "rediss://");
    String uri = tls + "#jdtm.keyPrefix=" + prefix("shared") + "&jdtm.connectTimeout=1s"
        + "&jdtm.commandTimeout=5s";
    Duration bound = Duration.ofMillis(2500);

    StoreUnavailableException store = failsWithin(bound, () -> Stores.open(uri).close());
    StoreUnavailableException barrier = failsWithin(bound,
        () -> RedisBarrier.builder().uri(tls).connectTimeout(Duration.ofSeconds(1))
            .commandTimeout(Duration.ofSeconds(5)).build().close());

    for (StoreUnavailableException e : List.of(store, barrier)) {
      assertThat(e.getMessage()).contains("cannot connect to rediss://")
          .containsIgnoringCase("timed out");
    }
    assertThat(barrier).hasNoCause();
  }

  private static StoreUnavailableException failsWithin(Duration bound, ThrowingCallable open) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(open);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).isInstanceOf(StoreUnavailableException.class);
    assertThat(took).as("time to fail (%s)", thrown.getMessage()).isLessThan(bound);
    return (StoreUnavailableException) thrown;
  }

  private static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(server.password());
      assertThat(t.toString()).doesNotContain(server.password());
    }
  }
}
