package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * XA steps on one database for {@link XaDriverProbeIT}: Xids of the project's format, a branch
 * that inserts one row and is prepared, recovery scans and row checks. Each call opens and closes
 * its own connections unless it is given one. Not thread-safe: one test thread uses it.
 */
final class XaProbe {
  /** The format id the probe's Xids carry ("jdtm" in ASCII). */
  static final int FORMAT_ID = 0x6A64746D;
  /** Every gtrid the probe makes starts with this, so a clean-up touches only the probe's. */
  static final String GTRID_PREFIX = "xaprobe-";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** An Xid as the project would make it: a format id and opaque byte arrays. */
  record ProbeXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
    @Override
    public int getFormatId() {
      return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
      return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
      return bqual.clone();
    }

    @Override
    public String toString() {
      return key(this);
    }
  }

  private final XADataSource dataSource;
  private final String table;
  private final AtomicInteger ids = new AtomicInteger();

  XaProbe(XADataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  /**
   * A fresh Xid whose gtrid and bqual are 64 printable ASCII bytes each (the most MariaDB takes);
   * {@code punctuated} puts {@code . : - _} into both.
   */
  static Xid xid(boolean punctuated) {
    String n = SEQUENCE.incrementAndGet() + "x" + System.nanoTime();
    String gtrid = GTRID_PREFIX + (punctuated ? "g.:-_" + n + ".:-_" : "g" + n);
    String bqual = punctuated ? "b.:-_" + n + ".:-_" : "b" + n;
    return new ProbeXid(FORMAT_ID, pad(gtrid), pad(bqual));
  }

  /** Another branch of {@code xid}'s global transaction. */
  static Xid sibling(Xid xid) {
    byte[] bqual = pad("sibling" + SEQUENCE.incrementAndGet() + "x" + System.nanoTime());
    return new ProbeXid(FORMAT_ID, xid.getGlobalTransactionId(), bqual);
  }

  private static byte[] pad(String s) {
    String padded = (s + "0".repeat(64)).substring(0, 64);
    return padded.getBytes(StandardCharsets.US_ASCII);
  }

  /** Format id, gtrid and bqual in hex: equal keys mean byte-for-byte equal Xids. */
  static String key(Xid xid) {
    HexFormat hex = HexFormat.of();
    return xid.getFormatId() + ":" + hex.formatHex(xid.getGlobalTransactionId()) + ":"
        + hex.formatHex(xid.getBranchQualifier());
  }

  /** A primary key no other probe step on this table uses. */
  int nextId() {
    return ids.incrementAndGet();
  }

  XAConnection open() throws SQLException {
    return dataSource.getXAConnection();
  }

  /** Drops and creates the probe's table through an XA connection, outside any branch. */
  void createTable() throws SQLException {
    XAConnection xc = open();
    try (Connection c = xc.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(20))");
    } finally {
      xc.close();
    }
  }

  /** Starts {@code xid} on {@code xc} and inserts row {@code id} through {@code c}, its handle. */
  void startAndInsert(XAConnection xc, Connection c, Xid xid, int id)
      throws SQLException, XAException {
    xc.getXAResource().start(xid, XAResource.TMNOFLAGS);
    insert(c, id);
  }

  void insert(Connection c, int id) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO " + table + " (id, v) VALUES (" + id + ", 'probe')");
    }
  }

  /** Starts, inserts, ends with TMSUCCESS and prepares {@code xid} on {@code xc}. */
  int prepareInsert(XAConnection xc, Connection c, Xid xid, int id)
      throws SQLException, XAException {
    startAndInsert(xc, c, xid, id);
    xc.getXAResource().end(xid, XAResource.TMSUCCESS);
    return xc.getXAResource().prepare(xid);
  }

  /** {@link #prepareInsert} on a connection of its own, closed (with its Connection) after. */
  void prepareInsertAndClose(Xid xid, int id) throws SQLException, XAException {
    XAConnection xc = open();
    try (Connection c = xc.getConnection()) {
      assertThat(prepareInsert(xc, c, xid, id)).isEqualTo(XAResource.XA_OK);
    } finally {
      xc.close();
    }
  }

  /** Keys of the Xids a full recovery scan lists, from a new connection. */
  List<String> recovered() throws SQLException, XAException {
    XAConnection xc = open();
    try {
      return recovered(xc.getXAResource());
    } finally {
      xc.close();
    }
  }

  static List<String> recovered(XAResource resource) throws XAException {
    Xid[] xids = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    return Arrays.stream(xids).map(XaProbe::key).toList();
  }

  /** Runs {@code step} on a new connection (closed after). */
  void onNewConnection(XaStep step) throws SQLException, XAException {
    XAConnection xc = open();
    try {
      step.run(xc.getXAResource());
    } finally {
      xc.close();
    }
  }

  /** The XAException {@code step} throws on a new connection; fails when it throws none. */
  XAException failureOnNewConnection(XaStep step) throws SQLException {
    XAConnection xc = open();
    try {
      XAException e = catchThrowableOfType(XAException.class,
          () -> step.run(xc.getXAResource()));
      assertThat(e).as("the XAException of the step").isNotNull();
      return e;
    } finally {
      xc.close();
    }
  }

  /** Whether row {@code id} is committed, read through a new connection outside any branch. */
  boolean rowExists(int id) throws SQLException {
    XAConnection xc = open();
    try (Connection c = xc.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE id = " + id)) {
      rs.next();
      return rs.getInt(1) == 1;
    } finally {
      xc.close();
    }
  }

  /** How a plain INSERT with a query timeout ended, and after how long. */
  record Attempt(SQLException error, Duration after) {}

  /**
   * Inserts row {@code id} through {@code c} with {@code setQueryTimeout(seconds)}; the failure
   * (null when it succeeded) and the time it took.
   */
  Attempt insertWithQueryTimeout(Connection c, int id, int seconds) {
    long start = System.nanoTime();
    SQLException error = catchThrowableOfType(SQLException.class, () -> {
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(seconds);
        s.executeUpdate("INSERT INTO " + table + " (id, v) VALUES (" + id + ", 'plain')");
      }
    });
    return new Attempt(error, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Rolls back every prepared branch the probe left (its format id and gtrid prefix). */
  void rollbackLeftovers() throws SQLException, XAException {
    XAConnection xc = open();
    try {
      XAResource r = xc.getXAResource();
      for (Xid x : r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
        String gtrid = new String(x.getGlobalTransactionId(), StandardCharsets.US_ASCII);
        if (x.getFormatId() == FORMAT_ID && gtrid.startsWith(GTRID_PREFIX)) {
          r.rollback(x);
        }
      }
    } finally {
      xc.close();
    }
  }

  /** One XA call on a resource. */
  @FunctionalInterface
  interface XaStep {
    void run(XAResource resource) throws XAException, SQLException;
  }
}
