package io.jdtm.examples;

import io.jdtm.BranchFailedException;
import io.jdtm.Outcome;
import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;

/**
 * An XA transfer between two databases: bank B credits bob and bank A debits alice, each in a
 * local XA transaction prepared on its own database; the manager commits both, or rolls both
 * back. One transfer succeeds; the other is refused by bank A (not enough money) after bank B's
 * credit was already prepared, and that credit is rolled back.
 *
 * <p>Run: {@code scripts/demo io.jdtm.examples.XaTransferDemo}.
 */
public final class XaTransferDemo {
  private XaTransferDemo() {}

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 && !args[0].isBlank() ? args[0] : Demos.DEFAULT_STORE;
    JdbcDataSource bankA = Demos.xaBank(uri, "xa-bank-a");
    JdbcDataSource bankB = Demos.xaBank(uri, "xa-bank-b");
    open(bankA, "alice", 100);
    open(bankB, "bob", 0);
    try (TransactionStore store = Stores.open(uri);
         TransactionManager tm = TransactionManager.builder()
             .store(store)
             .xaResource("bank-a", bankA)
             .xaResource("bank-b", bankB)
             .build()
             .start()) {
      Demos.resumeUnfinished(store, tm, Duration.ofSeconds(30));
      System.out.println("before: " + balances(bankA, bankB));
      transfer(tm, "transfer 30 from alice to bob", 30);
      transfer(tm, "transfer 90 from alice to bob (alice has 70 left)", 90);
      System.out.println("after:  " + balances(bankA, bankB));
      System.out.println("money in both banks: " + (balance(bankA, "alice")
          + balance(bankB, "bob")) + " (was 100)");
    }
  }

  private static void transfer(TransactionManager tm, String title, long amount) {
    System.out.println();
    System.out.println("xa: " + title);
    String gid = tm.xa().gid();
    try {
      tm.xa(gid).execute(xa -> {
        xa.branch("bank-b", c -> add(c, "bob", amount));
        xa.branch("bank-a", c -> add(c, "alice", -amount));
      });
    } catch (BranchFailedException e) {
      System.out.println("  (a branch refused: " + e.getMessage() + ")");
    }
    TxStatus status = tm.await(gid, Duration.ofSeconds(30)).status();
    System.out.println("  -> " + status);
  }

  /** Changes a balance inside the branch's XA transaction; refuses to go below zero. */
  private static Outcome add(Connection c, String account, long amount) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE accounts SET balance = balance + ? WHERE name = ? AND balance + ? >= 0")) {
      ps.setLong(1, amount);
      ps.setString(2, account);
      ps.setLong(3, amount);
      return ps.executeUpdate() == 1 ? Outcome.success()
          : Outcome.failure("not enough money on " + account);
    }
  }

  private static void open(JdbcDataSource bank, String account, long balance)
      throws SQLException {
    try (Connection c = bank.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS accounts (name VARCHAR(32) PRIMARY KEY,"
          + " balance BIGINT NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement(
          "MERGE INTO accounts (name, balance) KEY (name) VALUES (?, ?)")) {
        ps.setString(1, account);
        ps.setLong(2, balance);
        ps.executeUpdate();
      }
    }
  }

  private static long balance(JdbcDataSource bank, String account) throws SQLException {
    try (Connection c = bank.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT balance FROM accounts WHERE name = ?")) {
      ps.setString(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static String balances(JdbcDataSource bankA, JdbcDataSource bankB)
      throws SQLException {
    return "bank-A {alice=" + balance(bankA, "alice") + "}, bank-B {bob="
        + balance(bankB, "bob") + "}";
  }
}
