package io.jdtm.examples;

import io.jdtm.BranchContext;
import io.jdtm.BranchFailedException;
import io.jdtm.Outcome;
import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.spi.TransactionStore;
import io.jdtm.store.jdbc.JdbcBarrier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A transactional outbox: placing an order (a local transaction taking stock) and telling two
 * consumers, shipping and billing, happen together or not at all. The order is written under the
 * barrier; the message is delivered, at least once and exactly once in effect, only if that
 * local transaction committed. An order for more than the stock is refused: nobody hears of it.
 *
 * <p>Run: {@code scripts/demo io.jdtm.examples.OrderMessageDemo}.
 */
public final class OrderMessageDemo {
  /** Payload of the order message. */
  public record Order(String item, int quantity) {}

  private OrderMessageDemo() {}

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 && !args[0].isBlank() ? args[0] : Demos.DEFAULT_STORE;
    String db = Demos.bankUrl(uri);
    sql(db, "CREATE TABLE IF NOT EXISTS shop_stock (item VARCHAR(32) PRIMARY KEY, qty INT)",
        "CREATE TABLE IF NOT EXISTS shop_inbox (consumer VARCHAR(16), gid VARCHAR(128), "
            + "item VARCHAR(32), qty INT)",
        "DELETE FROM shop_stock", "DELETE FROM shop_inbox",
        "INSERT INTO shop_stock VALUES ('book', 3)");
    try (JdbcBarrier barrier = JdbcBarrier.builder().url(db).createSchema(true).build();
         TransactionStore store = Stores.open(uri);
         TransactionManager tm = TransactionManager.builder()
             .store(store)
             .barrier("shop", barrier)
             .handler("shipping", Order.class, (ctx, o) -> deliver(barrier, ctx, "shipping", o))
             .handler("billing", Order.class, (ctx, o) -> deliver(barrier, ctx, "billing", o))
             .build()
             .start()) {
      place(tm, barrier, new Order("book", 2));
      place(tm, barrier, new Order("book", 5));
      System.out.println();
      System.out.println("stock left: " + query(db, "SELECT qty FROM shop_stock"));
      System.out.println("shipping inbox: " + query(db,
          "SELECT item || ' x' || qty FROM shop_inbox WHERE consumer = 'shipping'"));
      System.out.println("billing inbox:  " + query(db,
          "SELECT item || ' x' || qty FROM shop_inbox WHERE consumer = 'billing'"));
    }
  }

  private static void place(TransactionManager tm, JdbcBarrier barrier, Order order)
      throws Exception {
    System.out.println();
    System.out.println("order " + order.quantity() + " x " + order.item());
    String gid = tm.msg().gid();
    try {
      tm.msg(gid).add("shipping", order).add("billing", order)
          .doAndSubmit(barrier, c -> takeStock(c, order));
    } catch (BranchFailedException refused) {
      System.out.println("  refused: " + refused.getMessage());
    }
    System.out.println("  -> " + tm.await(gid, Duration.ofSeconds(30)).status());
  }

  /** The local transaction: take the items from stock, or refuse. */
  private static Outcome takeStock(Connection c, Order order) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE shop_stock SET qty = qty - ? WHERE item = ? AND qty >= ?")) {
      s.setInt(1, order.quantity());
      s.setString(2, order.item());
      s.setInt(3, order.quantity());
      if (s.executeUpdate() == 0) {
        return Outcome.failure("not enough " + order.item() + " in stock for " + order.quantity());
      }
    }
    System.out.println("  shop: took " + order.quantity() + " x " + order.item() + " from stock");
    return Outcome.success();
  }

  /** A consumer: records the order in its inbox, once. */
  private static Outcome deliver(JdbcBarrier barrier, BranchContext ctx, String consumer,
      Order order) throws Exception {
    return barrier.call(ctx, c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO shop_inbox VALUES (?, ?, ?, ?)")) {
        s.setString(1, consumer);
        s.setString(2, ctx.gid());
        s.setString(3, order.item());
        s.setInt(4, order.quantity());
        s.executeUpdate();
      }
      System.out.println("  " + consumer + ": got " + order.quantity() + " x " + order.item());
      return Outcome.success();
    });
  }

  private static void sql(String url, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static String query(String url, String select) throws SQLException {
    StringBuilder out = new StringBuilder("[");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(select)) {
      while (rs.next()) {
        out.append(out.length() > 1 ? ", " : "").append(rs.getString(1));
      }
    }
    return out.append(']').toString();
  }
}
