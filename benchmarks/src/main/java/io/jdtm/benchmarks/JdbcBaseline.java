package io.jdtm.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * {@link Baseline} on raw JDBC with a HikariCP pool of {@value Database#POOL_SIZE}: every write
 * borrows a connection, runs its statement (or batch) and commits. Thread-safe.
 */
final class JdbcBaseline implements Baseline {
  private static final String BODY = "{\"amount\":1}";

  private final HikariDataSource pool;
  private final String rows;
  private final String orders;
  private final String insert;
  private final String update;
  private final String insertDue;
  private final String selectDue;
  private final String lease;

  JdbcBaseline(Database db, String prefix) {
    this.pool = db.pool();
    this.rows = prefix + "base_tx";
    this.orders = prefix + "base_order";
    this.insert = "INSERT INTO " + rows + " (gid, status, version, body) VALUES (?, 1, 1, ?)";
    this.update = "UPDATE " + rows + " SET version = ?, status = 2 WHERE gid = ? AND version = ?";
    this.insertDue = "INSERT INTO " + rows + " (gid, status, version, body, due_at)"
        + " VALUES (?, 1, 1, ?, ?)";
    // SKIP LOCKED: PostgreSQL, MariaDB 10.6+, H2 2.2+, as the store's claims.
    this.selectDue = "SELECT gid, version FROM " + rows + " WHERE due_at <= ? ORDER BY due_at"
        + " LIMIT ? FOR UPDATE SKIP LOCKED";
    this.lease = "UPDATE " + rows + " SET version = ?, due_at = ? WHERE gid = ? AND version = ?";
    execute("CREATE TABLE " + rows + " (gid VARCHAR(64) PRIMARY KEY, status INT NOT NULL,"
        + " version BIGINT NOT NULL, body VARCHAR(255), due_at BIGINT)",
        "CREATE INDEX " + rows + "_due ON " + rows + " (due_at)",
        "CREATE TABLE " + orders + " (id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");
  }

  /** The tables this baseline created, for the fixture to drop. */
  List<String> tables() {
    return List.of(rows, orders);
  }

  @Override
  public void insert(String gid) {
    try (Connection c = pool.getConnection()) {
      insertRow(c, gid);
      c.commit();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public boolean update(String gid, long expectedVersion) {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(update)) {
      bindUpdate(s, gid, expectedVersion);
      boolean moved = s.executeUpdate() == 1;
      c.commit();
      return moved;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public int updateBatch(List<String> gids, long[] expectedVersions) {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(update)) {
      for (int i = 0; i < gids.size(); i++) {
        bindUpdate(s, gids.get(i), expectedVersions[i]);
        s.addBatch();
      }
      int moved = 0;
      for (int count : s.executeBatch()) {
        moved += count == Statement.SUCCESS_NO_INFO ? 1 : count;
      }
      c.commit();
      return moved;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public void insertDue(List<String> gids, long dueMillis) {
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(insertDue)) {
      for (String gid : gids) {
        s.setString(1, gid);
        s.setString(2, BODY);
        s.setLong(3, dueMillis);
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public int claim(long nowMillis, long leaseMillis, int limit) {
    try (Connection c = pool.getConnection(); PreparedStatement select = c.prepareStatement(selectDue);
        PreparedStatement s = c.prepareStatement(lease)) {
      select.setLong(1, nowMillis);
      select.setInt(2, limit);
      try (ResultSet due = select.executeQuery()) {
        while (due.next()) {
          long version = due.getLong(2);
          s.setLong(1, version + 1);
          s.setLong(2, nowMillis + leaseMillis);
          s.setString(3, due.getString(1));
          s.setLong(4, version);
          s.addBatch();
        }
      }
      int claimed = 0;
      for (int count : s.executeBatch()) {
        claimed += count == Statement.SUCCESS_NO_INFO ? 1 : count;
      }
      c.commit();
      return claimed;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  @Override
  public void message(String gid, int actions) {
    try (Connection c = pool.getConnection();
        PreparedStatement order = c.prepareStatement(
            "INSERT INTO " + orders + " (id, amount) VALUES (?, 1)")) {
      order.setString(1, gid);
      order.executeUpdate();
      insertRow(c, gid);
      c.commit();
    } catch (SQLException e) {
      throw failed(e);
    }
    advance(gid, 1, actions);
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Runs DDL or cleanup statements, each committed. */
  void execute(String... statements) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
        c.commit();
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Closes an H2 database (dropping an in-memory one); its pool is then useless. */
  void shutdown() {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      // SHUTDOWN closes the connection under the pool; nothing is left to clean up.
    }
  }

  private void insertRow(Connection c, String gid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(insert)) {
      s.setString(1, gid);
      s.setString(2, BODY);
      s.executeUpdate();
    }
  }

  private static void bindUpdate(PreparedStatement s, String gid, long expectedVersion)
      throws SQLException {
    s.setLong(1, expectedVersion + 1);
    s.setString(2, gid);
    s.setLong(3, expectedVersion);
  }

  private static IllegalStateException failed(SQLException e) {
    return new IllegalStateException("baseline SQL failed: " + e.getMessage(), e);
  }
}
