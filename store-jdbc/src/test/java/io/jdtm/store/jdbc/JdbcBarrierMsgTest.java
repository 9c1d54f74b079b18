package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.ManualClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 2-phase messages end to end on H2: the manager's {@code doAndSubmit} and recovery check-back
 * through a registered {@link JdbcBarrier}, with deliveries made exactly-once by the same barrier.
 */
class JdbcBarrierMsgTest {
  private static final Duration PREPARED_TIMEOUT = Duration.ofSeconds(35);

  private final ManualClock clock = new ManualClock();
  private final String url = H2Stores.memoryUrl();
  private final AtomicInteger deliveries = new AtomicInteger();
  private JdbcStore store;
  private JdbcBarrier barrier;
  private BarrierAccounts accounts;
  private TransactionManager tm;
  private String shop;
  private String shipping;

  @BeforeEach
  void setUp() throws Exception {
    store = JdbcStore.builder().url(url).createSchema(true).build();
    barrier = JdbcBarrier.builder().url(url).createSchema(true).build();
    accounts = new BarrierAccounts(() -> DriverManager.getConnection(url), "jdtm_");
    accounts.create();
    shop = accounts.open(0);
    shipping = accounts.open(0);
    tm = TransactionManager.builder().store(store).clock(clock).executor(Runnable::run)
        .shutdownTimeout(Duration.ZERO)
        .handler("ship", Integer.class, (ctx, n) -> barrier.call(ctx, c -> {
          deliveries.incrementAndGet();
          accounts.add(c, shipping, n);
          return Outcome.success();
        }))
        .barrier("orders", barrier)
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    tm.halt();
    accounts.close();
    barrier.close();
    store.close();
  }

  @Test
  void doAndSubmit_localCommit_deliversOnce() throws Exception {
    String gid = tm.msg().add("ship", 3).doAndSubmit(barrier, placeOrder(3));

    assertThat(store.load(gid).orElseThrow().status()).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(accounts.balance(shop)).isEqualTo(3);
    assertThat(accounts.balance(shipping)).isEqualTo(3);
    assertThat(barrier.queryPrepared(gid)).isEqualTo(Outcome.success());
  }

  @Test
  void doAndSubmit_localTransactionThrows_abortsAndDeliversNothing() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(() -> tm.msg("thrown").add("ship", 3).doAndSubmit(barrier, c -> {
      accounts.add(c, shop, 3);
      throw boom;
    })).isSameAs(boom);

    assertThat(store.load("thrown").orElseThrow().status()).isEqualTo(TxStatus.FAILED);
    assertThat(accounts.balance(shop)).isZero();
    assertThat(deliveries).hasValue(0);
  }

  @Test
  void recovery_localCommittedButNeverSubmitted_checksBackAndDelivers() throws Exception {
    tm.msg("crashed").add("ship", 5).checkBack("barrier:orders").prepare();
    barrier.call(BranchContext.of("crashed", Mode.MSG, "00", BranchOp.MSG), placeOrder(5));

    clock.advance(PREPARED_TIMEOUT);
    tm.runRecoveryPass();

    assertThat(store.load("crashed").orElseThrow().status()).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(accounts.balance(shipping)).isEqualTo(5);
    assertThat(deliveries).hasValue(1);
  }

  @Test
  void recovery_localTransactionNeverRan_checksBackAbortsAndBlocksIt() throws Exception {
    tm.msg("lost").add("ship", 5).checkBack("barrier:orders").prepare();

    clock.advance(PREPARED_TIMEOUT);
    tm.runRecoveryPass();
    Outcome late = barrier.call(BranchContext.of("lost", Mode.MSG, "00", BranchOp.MSG),
        placeOrder(5));

    assertThat(store.load("lost").orElseThrow().status()).isEqualTo(TxStatus.FAILED);
    assertThat(late.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(accounts.balance(shop)).isZero();
    assertThat(deliveries).hasValue(0);
  }

  private io.jdtm.Barrier.LocalWork<Connection> placeOrder(int n) {
    return c -> {
      accounts.add(c, shop, n);
      return Outcome.success();
    };
  }
}
