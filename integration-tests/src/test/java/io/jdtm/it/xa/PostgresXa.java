package io.jdtm.it.xa;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import javax.sql.XADataSource;

/**
 * A private PostgreSQL with prepared transactions enabled ({@link XaPostgres}), started on first
 * use and shared by the tests of this JVM (its shutdown hook stops it). In-doubt branches come
 * from {@code pg_prepared_xacts}, whose gid the PostgreSQL driver writes as {@code
 * <formatId>_<base64 gtrid>_<base64 bqual>}. Thread-safe.
 */
final class PostgresXa implements XaDatabase {
  static final PostgresXa SHARED = new PostgresXa();

  private final ReentrantLock lock = new ReentrantLock();
  private XaPostgres server; // guarded by lock

  private PostgresXa() {}

  @Override
  public String name() {
    return "postgresql";
  }

  /** The server, started now if this is the first use (a skip when binaries are missing). */
  private XaPostgres server() {
    lock.lock();
    try {
      if (server == null) {
        server = XaPostgres.start();
      }
      return server;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public XADataSource xaDataSource() {
    return server().xaDataSource();
  }

  @Override
  public DataSource dataSource() {
    return server().dataSource();
  }

  @Override
  public List<String> inDoubt() throws SQLException {
    List<String> found = new ArrayList<>();
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT gid FROM pg_prepared_xacts")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] parts = rs.getString(1).split("_", -1);
          if (parts.length == 3 && parts[0].equals(Integer.toString(JDTM_FORMAT_ID))) {
            found.add(XaDatabase.branchAndGid(decode(parts[1]), decode(parts[2])));
          }
        }
      }
    }
    return found;
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return name();
  }
}
