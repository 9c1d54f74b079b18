package io.jdtm.internal.xa;

import io.jdtm.BranchOp;
import io.jdtm.JdtmException;
import io.jdtm.Outcome;
import io.jdtm.Xa;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * One registered XA resource: a named {@link XADataSource} and its barrier table. Runs a
 * branch's local XA transaction (phase one), commits or rolls it back (phase two), and lists the
 * Xids of jdtm's format it holds in doubt.
 *
 * <p>The connection that prepared a branch stays open until the branch's phase two, which runs
 * on it: MariaDB lets only the preparing session finish a prepared branch while that session is
 * open, H2 rolls a prepared branch back when its session closes, and every database saves a
 * connection for phase two that way. Phase two without it (another instance, or after a restart)
 * takes a fresh connection. {@link #close} closes the held connections, except H2's (closing them
 * would roll their branches back; H2 keeps them in doubt across a crash or a shutdown of the
 * database instead).
 *
 * <p>Thread-safe if the data source is.
 */
public final class XaParticipant implements AutoCloseable {
  private static final int H2_TRANSACTION_NOT_FOUND = 90129;

  private final String name;
  private final XADataSource dataSource;
  private final XaBarrierRows rows;
  private final int statementTimeoutSeconds;
  private final AtomicBoolean tableReady = new AtomicBoolean();
  private final Map<XaBranchId, Session> held = new ConcurrentHashMap<>();

  /**
   * A branch's XA connection and its connection handle. A held one is used by one phase two at a
   * time (its lock), and closed under the lock.
   */
  private static final class Session {
    final XAConnection xa;
    final Connection connection;
    final boolean h2;
    final long openedNanos = System.nanoTime();
    final ReentrantLock lock = new ReentrantLock();

    Session(XAConnection xa, Connection connection, boolean h2) {
      this.xa = xa;
      this.connection = connection;
      this.h2 = h2;
    }

    XAResource resource() throws SQLException {
      return xa.getXAResource();
    }

    void close() {
      closeQuietly(connection);
      closeQuietly(xa);
    }
  }

  /**
   * @param statementTimeout how long a barrier-row statement outside phase one may wait (for a
   *     row lock a branch still holds, say) before it fails and is retried later
   */
  public XaParticipant(String name, XADataSource dataSource, String tablePrefix,
      Duration statementTimeout) {
    this.name = name;
    this.dataSource = dataSource;
    this.rows = new XaBarrierRows(tablePrefix);
    this.statementTimeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        (statementTimeout.toMillis() + 999) / 1000));
  }

  /** The name it is registered under. */
  public String name() {
    return name;
  }

  /**
   * Phase one: starts the branch's local XA transaction, writes its barrier row, runs {@code
   * work} on the branch's connection, checks the row is still there (a database may have aborted
   * the transaction under a failed statement the work caught), then ends and prepares the
   * transaction when {@code work} answered SUCCESS; otherwise ends and rolls it back.
   *
   * @return {@code work}'s outcome (FAILURE when it returned null)
   * @throws JdtmException when the branch was rolled back before it ran (its rollback left the
   *     barrier row: anti-hanging), or its transaction was aborted under the work; the local
   *     transaction is rolled back
   * @throws Exception what {@code work} throws, or a failure of the database; the local
   *     transaction is rolled back as far as the database still answers
   */
  public Outcome prepare(XaBranchId id, Xa.Work work, long nowMillis) throws Exception {
    ensureTable();
    Xid xid = Xids.of(id.gid(), id.branchId());
    Session session = open();
    boolean keep = false;
    try {
      Connection c = session.connection;
      XAResource resource = session.resource();
      resource.start(xid, XAResource.TMNOFLAGS);
      boolean ended = false;
      try {
        if (!rows.insert(c, id, XaBarrierRows.ACTION, nowMillis, statementTimeoutSeconds)) {
          throw phaseOne(id, "was rolled back before its local transaction started; the late "
              + "local transaction is rolled back");
        }
        Outcome outcome = work.run(c);
        if (outcome == null) {
          outcome = Outcome.failure("the XA branch's work returned null");
        }
        if (outcome.kind() != Outcome.Kind.SUCCESS) {
          resource.end(xid, XAResource.TMFAIL);
          ended = true;
          resource.rollback(xid);
          return outcome;
        }
        if (!rowStillThere(c, id)) {
          throw phaseOne(id, "lost its transaction under the work (a statement failed and the "
              + "database aborted the transaction, or the work rolled it back)");
        }
        resource.end(xid, XAResource.TMSUCCESS);
        ended = true;
        resource.prepare(xid); // never XA_RDONLY: the barrier row is a write
        held.put(id, session);
        keep = true; // held until phase two
        return outcome;
      } catch (Exception | Error e) {
        abandon(resource, xid, ended, e);
        throw e;
      }
    } finally {
      if (!keep) {
        session.close();
      }
    }
  }

  /**
   * Phase two, commit. An Xid the database does not know counts as committed only when the
   * branch's barrier row proves it (written inside the branch, it exists once the branch
   * committed).
   *
   * @throws JdtmException when the database neither has the branch prepared nor the row: the
   *     branch was rolled back outside jdtm (never counted as done; an operator settles it)
   * @throws Exception any other failure, a branch still prepared in another open session
   *     included (the outcome is unknown: retry)
   */
  public void commit(XaBranchId id) throws Exception {
    Xid xid = Xids.of(id.gid(), id.branchId());
    Session mine = acquireHeld(id);
    Session session = mine != null ? mine : open();
    boolean done = false;
    try {
      try {
        session.resource().commit(xid, false);
        done = true;
        return;
      } catch (XAException e) {
        if (e.errorCode == XAException.XA_HEURCOM) {
          session.resource().forget(xid);
          done = true;
          return;
        }
        if (!isUnknownXid(e)) {
          throw e;
        }
      }
      ensureTable();
      Optional<String> reason = rows.reason(session.connection, id, statementTimeoutSeconds);
      if (reason.isPresent() && reason.get().equals(XaBarrierRows.ACTION)) {
        done = true;
        return; // committed earlier: a repeated commit
      }
      if (isPrepared(session, id)) {
        throw new JdtmException("XA branch on resource '" + name + "' is prepared in another "
            + "session that is still open, which alone may commit it now; retrying",
            id.gid(), id.branchId(), BranchOp.COMMIT, null);
      }
      throw heuristic(id, BranchOp.COMMIT, "the database does not know the branch's Xid and "
          + "its barrier row " + (reason.isEmpty() ? "is missing" : "says " + reason.get())
          + ": the branch did not commit (rolled back outside jdtm?)");
    } finally {
      release(id, mine, session, done);
    }
  }

  /**
   * Phase two, rollback; then the barrier row with reason {@code rollback}, so that a local
   * transaction of the branch that starts late fails. A branch whose row says it committed is
   * reported, never hidden.
   *
   * @throws JdtmException when the branch committed (never counted as done)
   * @throws Exception any other failure, a lock wait past the statement timeout included (a
   *     branch still running holds its row): retry
   */
  public void rollback(XaBranchId id, long nowMillis) throws Exception {
    ensureTable();
    Xid xid = Xids.of(id.gid(), id.branchId());
    Session mine = acquireHeld(id);
    Session session = mine != null ? mine : open();
    boolean done = false;
    try {
      try {
        session.resource().rollback(xid);
      } catch (XAException e) {
        if (e.errorCode == XAException.XA_HEURRB) {
          session.resource().forget(xid);
        } else if (!isUnknownXid(e)) {
          throw e;
        }
      }
      done = true; // rolled back (or never prepared): a held connection may close
      Connection c = session.connection;
      if (rows.insert(c, id, XaBarrierRows.ROLLBACK, nowMillis, statementTimeoutSeconds)) {
        return;
      }
      Optional<String> reason = rows.reason(c, id, statementTimeoutSeconds);
      if (reason.isPresent() && reason.get().equals(XaBarrierRows.ACTION)) {
        throw heuristic(id, BranchOp.ROLLBACK, "the branch committed although its "
            + "transaction is rolled back (committed outside jdtm?)");
      }
    } finally {
      release(id, mine, session, done);
    }
  }

  /** The branches of jdtm's Xid format this resource holds prepared (in doubt). */
  public List<XaBranchId> inDoubt() throws Exception {
    XAConnection xac = dataSource.getXAConnection();
    try {
      List<XaBranchId> found = new ArrayList<>();
      for (Xid xid : recover(xac.getXAResource())) {
        Xids.parse(xid).ifPresent(found::add);
      }
      return found;
    } finally {
      closeQuietly(xac);
    }
  }

  /**
   * Closes the connections held for phase two, except H2's: the other databases keep those
   * branches prepared for any instance to finish; H2 would roll them back.
   */
  @Override
  public void close() {
    releaseHeld(null, Duration.ZERO);
  }

  /**
   * Whether an XA error says the database does not know the Xid: XAER_NOTA, or H2's "transaction
   * not found" (error 90129, which H2 reports with error code 0). MariaDB also answers XAER_NOTA
   * for a branch another open session prepared, so this alone never proves a branch is gone.
   */
  static boolean isUnknownXid(XAException e) {
    if (e.errorCode == XAException.XAER_NOTA) {
      return true;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() == H2_TRANSACTION_NOT_FOUND) {
        return true;
      }
    }
    return false;
  }

  private Session open() throws SQLException {
    XAConnection xac = dataSource.getXAConnection();
    try {
      Connection c = xac.getConnection();
      return new Session(xac, c, isH2(c));
    } catch (SQLException | RuntimeException e) {
      closeQuietly(xac);
      throw e;
    }
  }

  /**
   * Closes the session of a phase two. A held session is closed only once the phase two
   * succeeded: closing it while the branch is still prepared would roll the branch back on H2.
   */
  private void release(XaBranchId id, Session mine, Session used, boolean done) {
    if (mine == null) {
      used.close();
      return;
    }
    try {
      if (done && held.remove(id, mine)) {
        mine.close();
      }
    } finally {
      mine.lock.unlock();
    }
  }

  /** The held session of a branch, locked for this caller; null when there is none. */
  private Session acquireHeld(XaBranchId id) {
    Session s = held.get(id);
    if (s == null) {
      return null;
    }
    s.lock.lock();
    if (held.get(id) != s) { // closed meanwhile
      s.lock.unlock();
      return null;
    }
    return s;
  }

  /**
   * Closes the held sessions of {@code gid}'s branches (every transaction's when {@code gid} is
   * null) held at least {@code olderThan}, except H2's: the branches stay prepared in the database, for whichever instance
   * runs their phase two (MariaDB lets no other session finish them while they are held).
   */
  public void releaseHeld(String gid, Duration olderThan) {
    long now = System.nanoTime();
    held.forEach((id, session) -> {
      if (session.h2 || (gid != null && !gid.equals(id.gid()))
          || now - session.openedNanos < olderThan.toNanos()) {
        return;
      }
      session.lock.lock();
      try {
        if (held.remove(id, session)) {
          session.close();
        }
      } finally {
        session.lock.unlock();
      }
    });
  }

  private boolean isPrepared(Session session, XaBranchId id) throws XAException, SQLException {
    for (Xid xid : recover(session.resource())) {
      if (Xids.parse(xid).filter(id::equals).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private static Xid[] recover(XAResource resource) throws XAException {
    Xid[] xids = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    return xids == null ? new Xid[0] : xids;
  }

  /** Whether the branch's own row is still visible inside its transaction. */
  private boolean rowStillThere(Connection c, XaBranchId id) {
    try {
      return rows.reason(c, id, statementTimeoutSeconds).filter(XaBarrierRows.ACTION::equals)
          .isPresent();
    } catch (SQLException e) {
      return false; // PostgreSQL: "current transaction is aborted"
    }
  }

  private JdtmException phaseOne(XaBranchId id, String what) {
    return new JdtmException("the XA branch on resource '" + name + "' " + what, id.gid(),
        id.branchId(), BranchOp.ACTION, null);
  }

  /** An outcome that differs from the global decision: reported, never counted as done. */
  private JdtmException heuristic(XaBranchId id, BranchOp op, String what) {
    return new JdtmException("XA branch on resource '" + name + "': " + what, id.gid(),
        id.branchId(), op, null);
  }

  /** Creates the barrier table once per manager, if it is missing. */
  private void ensureTable() throws SQLException {
    if (tableReady.get()) {
      return;
    }
    Session session = open();
    try {
      rows.create(session.connection);
      tableReady.set(true);
    } finally {
      session.close();
    }
  }

  private static boolean isH2(Connection c) throws SQLException {
    return "H2".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
  }

  /** Ends (if needed) and rolls back a branch whose phase one failed, keeping the first error. */
  private static void abandon(XAResource resource, Xid xid, boolean ended, Throwable cause) {
    if (!ended) {
      try {
        resource.end(xid, XAResource.TMFAIL);
      } catch (XAException e) {
        if (e.errorCode < XAException.XA_RBBASE || e.errorCode > XAException.XA_RBEND) {
          cause.addSuppressed(e);
        }
      }
    }
    try {
      resource.rollback(xid);
    } catch (XAException e) {
      if (!isUnknownXid(e)) {
        cause.addSuppressed(e);
      }
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // closing a connection whose work is done: nothing to do about a failure
    }
  }

  private static void closeQuietly(XAConnection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // as above
    }
  }
}
