package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.JdtmException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.store.jdbc.JdbcBarrier;
import io.jdtm.store.jdbc.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The scenario matrix's message whose check-back arrives while the application's own local
 * transaction is running, before that transaction has reached the barrier: its business is
 * written, the check-back's rollback row wins, the barrier call then answers FAILURE and the
 * application rolls back; nothing commits, nothing is delivered, money is conserved. Needs the
 * JDBC barrier's {@code call(connection, ctx, work)} inside the caller's transaction, which
 * {@link KvBarrier} and the memory barrier do not have; so it runs on every store with every
 * JDBC database (the memory barrier's variant is in {@link MsgCases}).
 */
abstract class ScenarioCallerTransactionCases {
  /** A participant database reached by URL, so that the test can open its own transaction. */
  record Database(String name, Supplier<TestServers.Server> server) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final AtomicInteger H2_DBS = new AtomicInteger();

  @Parameter(0)
  StoreFixture store;

  @Parameter(1)
  Database database;

  Harness h;
  TestServers.Server server;
  JdbcKvBarrier db;
  KvBank bank;
  TransactionManager tm;
  final CountDownLatch businessWritten = new CountDownLatch(1);
  final CountDownLatch checkedBack = new CountDownLatch(1);
  final Barrier<Connection> own = ownTransaction();

  /** In-JVM stores with an H2 database. */
  static List<Arguments> local() {
    return pairs(StoreFixture.local(), List.of(h2()));
  }

  /** Every store with PostgreSQL and MariaDB, and the server stores with H2. */
  static List<Arguments> servers() {
    List<Arguments> out = new ArrayList<>(pairs(StoreFixture.servers(), List.of(h2())));
    List<StoreFixture> stores = new ArrayList<>(StoreFixture.local());
    stores.addAll(StoreFixture.servers());
    out.addAll(pairs(stores, List.of(new Database("postgresql-db", TestServers::postgres),
        new Database("mariadb-db", TestServers::mariadb))));
    return out;
  }

  private static Database h2() {
    return new Database("h2-db", () -> new TestServers.Server("H2",
        "jdbc:h2:mem:caller-tx-" + H2_DBS.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "",
        "none"));
  }

  private static List<Arguments> pairs(List<StoreFixture> stores, List<Database> dbs) {
    List<Arguments> out = new ArrayList<>();
    stores.forEach(s -> dbs.forEach(d -> out.add(Arguments.of(s, d))));
    return out;
  }

  @BeforeEach
  void setUp() throws Exception {
    h = new Harness(store);
    server = database.server().get();
    db = new JdbcKvBarrier(database.name(), server.url(), server.user(), server.password());
    bank = new KvBank(db);
    bank.open();
    tm = manager("node-1");
  }

  private TransactionManager manager(String id) {
    return h.manager(id, b -> bank.register(b).barrier("db", db.barrier())
        .barrier("own", own));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      assertThat(bank.total()).as("money, %s", bank.balances()).isEqualTo(KvBank.OPENING);
    } finally {
      h.close();
      db.close();
    }
  }

  @Test
  void msg_checkBackWhileTheCallersTransactionRunsBeforeItsBarrierCall_failsTheTransaction()
      throws Exception {
    tm.msg("m-own").add("credit", 30L).checkBack("barrier:db").prepare();
    Outcome guarded;
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      assertThat(payOut(30).run(c).isSuccess()).isTrue(); // the business, not yet committed
      h.clock.advance(Duration.ofSeconds(35));
      tm.runRecoveryPass(); // the check-back finds no barrier row: its rollback row wins
      assertThat(h.status("m-own")).isEqualTo(TxStatus.FAILED);
      guarded = jdbc().call(c, msgContext("m-own"), tx -> Outcome.success());
      if (guarded.isSuccess()) {
        c.commit();
      } else {
        c.rollback();
      }
    }

    assertThat(guarded.isSuccess()).as("the barrier call after the check-back").isFalse();
    assertThatThrownBy(() -> tm.msg("m-own").add("credit", 30L).checkBack("barrier:db").submit())
        .isInstanceOf(JdtmException.class).hasMessageContaining("rolled back");
    assertThat(h.status("m-own")).isEqualTo(TxStatus.FAILED);
    assertNothingDelivered("m-own");
  }

  @Test
  void msg_doAndSubmitInTheCallersTransaction_checkBackBeforeItsBarrierCall_failsIt()
      throws Exception {
    TransactionManager initiator = manager("initiator");
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<String> sent = thread.submit(() -> initiator.msg("m-own-do").add("credit", 30L)
          .doAndSubmit(own, c -> Outcome.success()));
      assertThat(businessWritten.await(10, TimeUnit.SECONDS)).isTrue();
      h.clock.advance(Duration.ofSeconds(35));
      tm.runRecoveryPass(); // the check-back finds no barrier row: its rollback row wins
      assertThat(h.status("m-own-do")).isEqualTo(TxStatus.FAILED);
      checkedBack.countDown();

      assertThatThrownBy(() -> sent.get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BranchFailedException.class)
          .hasMessageContaining("check-back already rolled message m-own-do back");
    } finally {
      thread.shutdownNow();
    }
    assertThat(h.transitions("m-own-do"))
        .containsExactly("PREPARED->ABORTING", "ABORTING->FAILED");
    assertNothingDelivered("m-own-do");
  }

  /** Neither the local transaction's business nor the message's action took effect. */
  private void assertNothingDelivered(String gid) throws Exception {
    h.clock.advance(Duration.ofMinutes(11));
    tm.runRecoveryPass();
    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.branchEvents).filteredOn(e -> e.gid().equals(gid))
        .allMatch(e -> e.op() == BranchOp.MSG, "only check-backs");
    assertThat(bank.balances()).isEqualTo("A=100 frozenA=0 B=0");
  }

  /**
   * An application's own transaction, as a barrier for {@code doAndSubmit}: it opens a
   * connection, pays 30 out of alice's account, signals {@link #businessWritten} and waits for
   * {@link #checkedBack}, then calls the JDBC barrier inside its transaction, and commits only if
   * the business and the barrier both succeeded.
   */
  private Barrier<Connection> ownTransaction() {
    return new Barrier<>() {
      @Override
      public Outcome call(BranchContext ctx, LocalWork<Connection> work) throws Exception {
        try (Connection c = connect()) {
          c.setAutoCommit(false);
          Outcome business = payOut(30).run(c);
          businessWritten.countDown();
          assertThat(checkedBack.await(10, TimeUnit.SECONDS)).as("checked back").isTrue();
          Outcome guarded = business.isSuccess() ? jdbc().call(c, ctx, work) : business;
          if (guarded.isSuccess()) {
            c.commit();
          } else {
            c.rollback();
          }
          return guarded;
        }
      }

      @Override
      public Outcome queryPrepared(String gid) throws Exception {
        return jdbc().queryPrepared(gid);
      }
    };
  }

  private Barrier.LocalWork<Connection> payOut(long amount) {
    return db.asLocalWork(bank.payOut(amount));
  }

  private JdbcBarrier jdbc() {
    return (JdbcBarrier) db.barrier();
  }

  private static BranchContext msgContext(String gid) {
    return BranchContext.of(gid, Mode.MSG, "00", BranchOp.MSG);
  }

  private Connection connect() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", server.user());
    p.setProperty("password", server.password());
    return DriverManager.getConnection(server.url(), p);
  }
}
