package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.DuplicateTransactionException;
import io.jdtm.NoSuchHandlerException;
import io.jdtm.PayloadCodecException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.store.memory.MemoryStore;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Messages written inside the caller's own local transaction (the transactional outbox): stored
 * if and only if that transaction commits, then delivered at least once, with no check-back.
 */
abstract class OutboxCases {
  @Parameter OutboxDb database;

  OutboxDb.Opened db;
  Harness h;
  TransactionManager tm;

  @BeforeEach
  void setUp() {
    db = database.open();
    h = new Harness(db.store);
    tm = h.manager("node-1", b -> b.maxPayloadBytes(1024));
  }

  @AfterEach
  void tearDown() {
    h.close();
    db.close();
  }

  @Test
  void doAndSubmit_commits_deliversEveryActionWithoutARecoveryPass() throws Exception {
    String gid = tm.msg().add("bankA", 1).add("bankB", 2)
        .doAndSubmit(db.dataSource, c -> db.insertOrder(c, "o-1", 10));

    assertThat(db.orderCount()).isEqualTo(1);
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
    assertThat(h.transitions(gid)).containsExactly("SUBMITTED->SUCCEEDED");
  }

  @Test
  void doAndSubmit_workThrows_rollsBackAndStoresNothing() {
    IllegalStateException boom = new IllegalStateException("out of stock");

    assertThatThrownBy(() -> tm.msg("g-fails").add("bankA", 1).doAndSubmit(db.dataSource, c -> {
      db.insertOrder(c, "o-1", 10);
      throw boom;
    })).isSameAs(boom);

    assertThat(db.orderCount()).isZero();
    assertThat(tm.find("g-fails")).isEmpty();
    h.clock.advance(Harness.LEASE.multipliedBy(2));
    assertThat(tm.runRecoveryPass().gids()).isEmpty();
    assertThat(h.ledger.entries("g-fails")).isEmpty();
  }

  @Test
  void doAndSubmit_haltedRightAfterTheCommit_anotherManagerDeliversAfterTheLease()
      throws Exception {
    TransactionManager deaf = h.manager("deaf", b -> b.executor(task -> {}));

    String gid = deaf.msg().add("bankA", 1)
        .doAndSubmit(db.dataSource, c -> db.insertOrder(c, "o-1", 10));
    deaf.halt();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(h.ledger.entries(gid)).isEmpty();

    assertThat(tm.runRecoveryPass().gids()).as("lease still held").isEmpty();
    h.clock.advance(Harness.LEASE);
    assertThat(tm.runRecoveryPass().gids()).containsExactly(gid);

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
  }

  @Test
  void submitIn_invisibleUntilCommit_thenRecoveryDeliversAtOnce() throws Exception {
    String gid;
    try (Connection c = db.begin()) {
      db.insertOrder(c, "o-1", 10);
      gid = tm.msg().add("bankA", 1).submitIn(c);

      assertThat(tm.find(gid)).as("uncommitted").isEmpty();
      assertThat(tm.runRecoveryPass().gids()).isEmpty();
      c.commit();
    }

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(tm.runRecoveryPass().gids()).as("due at once").containsExactly(gid);
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
    assertThat(db.orderCount()).isEqualTo(1);
  }

  @Test
  void submitIn_thenSubmitAfterCommit_deliversAtOnceAndOnlyOnce() throws Exception {
    String gid;
    try (Connection c = db.begin()) {
      gid = tm.msg().add("bankA", 1).add("bankB", 2).submitIn(c);
      c.commit();
    }

    assertThat(tm.msg(gid).submit()).isEqualTo(gid);

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(tm.msg(gid).submit()).as("again: nothing to do").isEqualTo(gid);
    h.clock.advance(Harness.LEASE.multipliedBy(2));
    assertThat(tm.runRecoveryPass().gids()).isEmpty();
    assertThat(h.ledger.calls(gid, "01", ACTION)).isEqualTo(1);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isEqualTo(1);
  }

  @Test
  void submitIn_claimedByRecoveryFirst_submitDoesNotDeliverAgain() throws Exception {
    String gid;
    try (Connection c = db.begin()) {
      gid = tm.msg().add("bankA", 1).submitIn(c);
      c.commit();
    }
    TransactionManager other = h.manager("node-2");
    assertThat(other.runRecoveryPass().gids()).containsExactly(gid);

    tm.msg(gid).submit();

    assertThat(h.ledger.calls(gid, "01", ACTION)).isEqualTo(1);
  }

  @Test
  void submitIn_rolledBack_leavesNothing() throws Exception {
    try (Connection c = db.begin()) {
      db.insertOrder(c, "o-1", 10);
      tm.msg("g-rolled").add("bankA", 1).submitIn(c);
      c.rollback();
    }

    assertThat(tm.find("g-rolled")).isEmpty();
    assertThat(db.orderCount()).isZero();
    h.clock.advance(Harness.LEASE.multipliedBy(2));
    assertThat(tm.runRecoveryPass().gids()).isEmpty();
    assertThat(h.ledger.entries("g-rolled")).isEmpty();
  }

  @Test
  void submitIn_autoCommitConnection_isRefusedAndWritesNothing() throws Exception {
    try (Connection c = db.dataSource.getConnection()) {
      c.setAutoCommit(true);

      assertThatThrownBy(() -> tm.msg("g-auto").add("bankA", 1).submitIn(c))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
    }
    assertThat(tm.find("g-auto")).isEmpty();
  }

  @Test
  void submitIn_sameGidAgain_isADuplicateAndTheCallerCanRollBack() throws Exception {
    try (Connection c = db.begin()) {
      tm.msg("g-dup").add("bankA", 1).submitIn(c);
      c.commit();
    }
    try (Connection c = db.begin()) {
      db.insertOrder(c, "o-2", 20);

      assertThatThrownBy(() -> tm.msg("g-dup").add("bankA", 1).submitIn(c))
          .isInstanceOf(DuplicateTransactionException.class);
      c.rollback();
    }
    assertThat(db.orderCount()).isZero();
  }

  @Test
  void submitIn_connectionToAnotherDatabase_failsClearlyAndCommitsNothing() throws Exception {
    try (Connection other = DriverManager.getConnection(
        "jdbc:h2:mem:outbox-elsewhere-" + System.nanoTime())) {
      other.setAutoCommit(false);

      assertThatThrownBy(() -> tm.msg("g-elsewhere").add("bankA", 1).submitIn(other))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(db.prefix + "tx").hasMessageContaining("store's own database");
      assertThat(other.isClosed()).isFalse();
      other.rollback();
    }
    assertThat(tm.find("g-elsewhere")).isEmpty();
  }

  @Test
  void submitIn_invalidMessage_isRefusedBeforeTouchingTheConnection() {
    List<String> touched = new ArrayList<>();
    Connection untouchable = untouchable(touched);

    assertThatThrownBy(() -> tm.msg().add("nobody", 1).submitIn(untouchable))
        .isInstanceOf(NoSuchHandlerException.class);
    assertThatThrownBy(() -> tm.msg().add("bankA", "x".repeat(2048)).submitIn(untouchable))
        .isInstanceOf(PayloadCodecException.class).hasMessageContaining("maxPayloadBytes");
    assertThatThrownBy(() -> tm.msg().checkBack("bankA").add("bankA", 1).submitIn(untouchable))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("check-back");
    assertThat(touched).isEmpty();
  }

  @Test
  void doAndSubmit_invalidMessage_takesNoConnection() {
    List<String> touched = new ArrayList<>();

    assertThatThrownBy(() -> tm.msg().add("nobody", 1)
        .doAndSubmit(untouchableDataSource(touched), c -> {}))
        .isInstanceOf(NoSuchHandlerException.class);
    assertThat(touched).isEmpty();
  }

  @Test
  void memoryStore_refusesClearlyWithoutTouchingTheConnection() {
    try (Harness memory = new Harness(new MemoryStore())) {
      TransactionManager onMemory = memory.manager("mem");
      List<String> touched = new ArrayList<>();

      assertThatThrownBy(() -> onMemory.msg().add("bankA", 1).submitIn(untouchable(touched)))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("MemoryStore").hasMessageContaining("caller's transaction");
      assertThatThrownBy(() -> onMemory.msg().add("bankA", 1)
          .doAndSubmit(untouchableDataSource(touched), c -> {}))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(touched).isEmpty();
    }
  }

  /** A connection that records every method called on it and answers none. */
  private static Connection untouchable(List<String> touched) {
    return (Connection) Proxy.newProxyInstance(OutboxCases.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          touched.add(method.getName());
          throw new AssertionError("the connection was touched: " + method.getName());
        });
  }

  private static DataSource untouchableDataSource(List<String> touched) {
    return (DataSource) Proxy.newProxyInstance(OutboxCases.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          touched.add(method.getName());
          throw new AssertionError("a connection was taken: " + method.getName());
        });
  }
}
