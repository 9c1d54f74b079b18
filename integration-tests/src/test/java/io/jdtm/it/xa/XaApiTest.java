package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.InvalidTransactionException;
import io.jdtm.Outcome;
import io.jdtm.Saga;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.store.memory.MemoryStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The XA API on an H2 file database: the happy paths, and bad input refused early. */
class XaApiTest {
  @TempDir Path dir;
  JdbcDataSource ds;
  MemoryStore store;
  TransactionManager tm;

  @BeforeEach
  void setUp() throws Exception {
    ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:" + dir.resolve("a").toAbsolutePath());
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acc (id VARCHAR(10) PRIMARY KEY, bal INT)");
    }
    store = new MemoryStore();
    tm = TransactionManager.builder().store(store).xaResource("a", ds)
        .executor(Runnable::run).build();
  }

  @AfterEach
  void tearDown() {
    tm.close();
  }

  @Test
  void bodyReturns_commitsEveryBranch_bodyThrows_rollsEveryBranchBack() throws Exception {
    String gid = tm.xa(xa -> {
      xa.branch("a", c -> insert(c, "x"));
      xa.branch("a", c -> insert(c, "y"));
    });
    assertThat(tm.await(gid, Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(ids()).isEqualTo(2);

    assertThatThrownBy(() -> tm.xa("thrown", xa -> {
      xa.branch("a", c -> insert(c, "z"));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(store.load("thrown").orElseThrow().status()).isEqualTo(TxStatus.FAILED);
    assertThat(ids()).isEqualTo(2);
    assertThat(tm.recoverXa().left()).isEmpty();
  }

  @Test
  void branchWorkThrowingAnError_caughtByTheBody_stillRollsEveryBranchBack() throws Exception {
    assertThatThrownBy(() -> tm.xa("error-caught", xa -> {
      xa.branch("a", c -> insert(c, "x"));
      try {
        xa.branch("a", c -> {
          insert(c, "y");
          throw new AssertionError("work broke");
        });
      } catch (Throwable swallowed) {
        // a body that logs and carries on
      }
    })).isInstanceOf(io.jdtm.JdtmException.class).hasMessageContaining("work broke");

    assertThat(store.load("error-caught").orElseThrow().status()).isEqualTo(TxStatus.FAILED);
    assertThat(ids()).isZero();
  }

  @Test
  void branch_onAnUnregisteredResource_isRefusedAndTheTransactionRollsBack() {
    assertThatThrownBy(() -> tm.xa("unknown-resource", xa -> xa.branch("b", c -> insert(c, "x"))))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("no XA resource is registered under 'b'");
    assertThat(store.load("unknown-resource").orElseThrow().status()).isEqualTo(TxStatus.FAILED);
  }

  @Test
  void gidTooLongForAnXid_isRefusedBeforeAnythingIsStored() {
    String gid = "g".repeat(124);
    assertThatThrownBy(() -> tm.xa(gid, xa -> xa.branch("a", c -> insert(c, "x"))))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("at most 123 characters");
    assertThat(store.load(gid)).isEmpty();
  }

  @Test
  void xaTargets_areTheEnginesOwn_notUsableAsBranchTargets() {
    assertThatThrownBy(() -> tm.saga().step("xa:a", Saga.NONE, 1).submit())
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("the target of XA branches only");
  }

  @Test
  void builder_refusesDuplicateNamesAndUnsafeTablePrefixes() {
    TransactionManager.Builder b = TransactionManager.builder().xaResource("a", ds);
    assertThatThrownBy(() -> b.xaResource("a", ds))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registered already");
    assertThatThrownBy(() -> b.xaResource("c", ds, "x; DROP TABLE acc; --"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid table prefix");
    assertThatThrownBy(() -> b.xaResource("bad name!", ds))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Outcome insert(Connection c, String id) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO acc VALUES ('" + id + "', 1)");
    }
    return Outcome.success();
  }

  private int ids() throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM acc")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
