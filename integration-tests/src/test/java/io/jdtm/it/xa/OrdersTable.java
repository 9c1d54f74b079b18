package io.jdtm.it.xa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * A business table of one test, under a fresh name: XA branches insert order rows into it on
 * their own connection; the test reads what was committed through a plain connection and drops
 * the table afterwards. Thread-safe.
 */
final class OrdersTable {
  private final DataSource plain;
  private final String name;

  private OrdersTable(DataSource plain, String name) {
    this.plain = plain;
    this.name = name;
  }

  /** Creates {@code xa_orders_<random>} on the database. */
  static OrdersTable create(DataSource plain) throws SQLException {
    String name = "xa_orders_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + name
          + " (id VARCHAR(64) NOT NULL PRIMARY KEY, item VARCHAR(64) NOT NULL)");
    }
    return new OrdersTable(plain, name);
  }

  /** Inserts an order on a branch's connection (inside its XA transaction). */
  void insert(Connection branch, String id, String item) throws SQLException {
    try (PreparedStatement ps = branch.prepareStatement(
        "INSERT INTO " + name + " (id, item) VALUES (?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, item);
      ps.executeUpdate();
    }
  }

  /** The committed orders, as {@code id=item}, by id. */
  List<String> committed() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = plain.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, item FROM " + name + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "=" + rs.getString(2));
      }
    }
    return rows;
  }

  void drop() throws SQLException {
    try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + name);
    }
  }
}
