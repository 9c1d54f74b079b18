package io.jdtm.it.xa;

import io.jdtm.store.jdbc.TestServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import javax.sql.XADataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The shared MariaDB server ({@link TestServers#mariadb()}: 127.0.0.1:3306, database {@code
 * test}, by default). In-doubt branches come from {@code XA RECOVER}. Thread-safe.
 */
final class MariaDbXa implements XaDatabase {
  static final MariaDbXa SHARED = new MariaDbXa();

  private MariaDbXa() {}

  @Override
  public String name() {
    return "mariadb";
  }

  @Override
  public XADataSource xaDataSource() {
    return open();
  }

  @Override
  public DataSource dataSource() {
    return open();
  }

  private static MariaDbDataSource open() {
    TestServers.Server server = TestServers.mariadb();
    try {
      MariaDbDataSource ds = new MariaDbDataSource(server.url());
      ds.setUser(server.user());
      ds.setPassword(server.password());
      return ds;
    } catch (SQLException e) {
      throw new IllegalStateException("bad MariaDB URL " + server.url(), e);
    }
  }

  /** {@code XA RECOVER}: formatID, gtrid_length, bqual_length, data (gtrid then bqual). */
  @Override
  public List<String> inDoubt() throws SQLException {
    List<String> found = new ArrayList<>();
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("XA RECOVER")) {
      while (rs.next()) {
        if (rs.getInt("formatID") == JDTM_FORMAT_ID) {
          String data = new String(rs.getBytes("data"), StandardCharsets.US_ASCII);
          int split = rs.getInt("gtrid_length");
          found.add(XaDatabase.branchAndGid(data.substring(0, split), data.substring(split)));
        }
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return name();
  }
}
