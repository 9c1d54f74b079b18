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
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * One registered XA resource: a named {@link XADataSource} and its barrier table. Runs a
 * branch's local XA transaction (phase one), commits or rolls it back (phase two), and lists the
 * Xids of jdtm's format it holds in doubt. Every operation takes a fresh {@link XAConnection}
 * and closes it, so nothing is held between calls. Thread-safe if the data source is.
 */
public final class XaParticipant {
  private static final int H2_TRANSACTION_NOT_FOUND = 90129;
  private final String name;
  private final XADataSource dataSource;
  private final XaBarrierRows rows;
  private final int statementTimeoutSeconds;
  private final AtomicBoolean tableReady = new AtomicBoolean();
  /** Prepared branches whose connection stays open until phase two (H2: see {@link #prepare}). */
  private final Map<XaBranchId, XAConnection> held = new ConcurrentHashMap<>();

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
   * work} on the branch's connection, then ends and prepares the transaction when {@code work}
   * answered SUCCESS; otherwise ends and rolls it back.
   *
   * <p>H2 keeps a prepared transaction only while its session is open (a crash or a database
   * shutdown keeps it in doubt; closing the connection rolls it back), so on H2 the connection of
   * a prepared branch stays open until its phase two, and is never closed before.
   *
   * @return {@code work}'s outcome (FAILURE when it returned null)
   * @throws JdtmException when the branch was rolled back before it ran (its rollback left the
   *     barrier row: anti-hanging); the local transaction is rolled back
   * @throws Exception what {@code work} throws, or a failure of the database; the local
   *     transaction is rolled back as far as the database still answers
   */
  public Outcome prepare(XaBranchId id, Xa.Work work, long nowMillis) throws Exception {
    ensureTable();
    Xid xid = Xids.of(id.gid(), id.branchId());
    XAConnection xac = dataSource.getXAConnection();
    boolean hold = false;
    try {
      XAResource resource = xac.getXAResource();
      Connection c = xac.getConnection();
      boolean h2 = isH2(c);
      resource.start(xid, XAResource.TMNOFLAGS);
      boolean ended = false;
      try {
        if (!rows.insert(c, id, XaBarrierRows.ACTION, nowMillis, statementTimeoutSeconds)) {
          throw new JdtmException("the XA branch on resource '" + name + "' was rolled back "
              + "before its local transaction started; the late local transaction is rolled "
              + "back", id.gid(), id.branchId(), BranchOp.ACTION, null);
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
        resource.end(xid, XAResource.TMSUCCESS);
        ended = true;
        hold = h2;
        resource.prepare(xid); // never XA_RDONLY: the barrier row is a write
        if (hold) {
          held.put(id, xac);
        }
        return outcome;
      } catch (Exception | Error e) {
        hold = false;
        abandon(resource, xid, ended, e);
        throw e;
      } finally {
        if (!hold) {
          closeQuietly(c);
        }
      }
    } finally {
      if (!hold) {
        closeQuietly(xac);
      }
    }
  }

  /**
   * Phase two, commit. An Xid the database no longer knows counts as committed only when the
   * branch's barrier row proves it (written inside the branch, it exists once the branch
   * committed).
   *
   * @throws JdtmException when the database neither knows the Xid nor has the row: the branch
   *     was rolled back outside jdtm (never counted as done; an operator settles it)
   * @throws Exception any other failure (the outcome is unknown: retry)
   */
  public void commit(XaBranchId id) throws Exception {
    Xid xid = Xids.of(id.gid(), id.branchId());
    XAConnection mine = held.get(id);
    XAConnection xac = mine != null ? mine : dataSource.getXAConnection();
    boolean done = false;
    try {
      try {
        xac.getXAResource().commit(xid, false);
        done = true;
        return;
      } catch (XAException e) {
        if (e.errorCode == XAException.XA_HEURCOM) {
          xac.getXAResource().forget(xid);
          done = true;
          return;
        }
        if (!isUnknownXid(e)) {
          throw e;
        }
      }
      ensureTable();
      Optional<String> reason = readReason(xac, id);
      if (reason.isPresent() && reason.get().equals(XaBarrierRows.ACTION)) {
        done = true;
        return; // committed earlier: a repeated commit
      }
      throw heuristic(id, BranchOp.COMMIT, "the database does not know the branch's Xid and "
          + "its barrier row " + (reason.isEmpty() ? "is missing" : "says " + reason.get())
          + ": the branch did not commit (rolled back outside jdtm?)");
    } finally {
      release(id, mine, xac, done);
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
    XAConnection mine = held.get(id);
    XAConnection xac = mine != null ? mine : dataSource.getXAConnection();
    boolean done = false;
    try {
      try {
        xac.getXAResource().rollback(xid);
      } catch (XAException e) {
        if (e.errorCode == XAException.XA_HEURRB) {
          xac.getXAResource().forget(xid);
        } else if (!isUnknownXid(e)) {
          throw e;
        }
      }
      done = true; // rolled back (or never prepared): the connection may close
      Connection c = xac.getConnection();
      try {
        if (rows.insert(c, id, XaBarrierRows.ROLLBACK, nowMillis, statementTimeoutSeconds)) {
          return;
        }
        Optional<String> reason = rows.reason(c, id, statementTimeoutSeconds);
        if (reason.isPresent() && reason.get().equals(XaBarrierRows.ACTION)) {
          throw heuristic(id, BranchOp.ROLLBACK, "the branch committed although its "
              + "transaction is rolled back (committed outside jdtm?)");
        }
      } finally {
        if (mine == null) {
          closeQuietly(c);
        }
      }
    } finally {
      release(id, mine, xac, done);
    }
  }

  /**
   * Closes the connection of a phase two. A held connection (H2) is closed only once the phase
   * two succeeded: closing it while the branch is still prepared would roll the branch back.
   */
  private void release(XaBranchId id, XAConnection mine, XAConnection used, boolean done) {
    if (mine == null) {
      closeQuietly(used);
    } else if (done && held.remove(id, mine)) {
      closeQuietly(mine);
    }
  }

  /** The branches of jdtm's Xid format this resource holds prepared (in doubt). */
  public List<XaBranchId> inDoubt() throws Exception {
    XAConnection xac = dataSource.getXAConnection();
    try {
      Xid[] xids = xac.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
      List<XaBranchId> found = new ArrayList<>();
      if (xids != null) {
        for (Xid xid : xids) {
          Xids.parse(xid).ifPresent(found::add);
        }
      }
      return found;
    } finally {
      closeQuietly(xac);
    }
  }

  /** An outcome that differs from the global decision: reported, never counted as done. */
  private JdtmException heuristic(XaBranchId id, BranchOp op, String what) {
    return new JdtmException("XA branch on resource '" + name + "': " + what, id.gid(),
        id.branchId(), op, null);
  }

  /**
   * Whether an XA error says the database does not know the Xid: XAER_NOTA, or H2's "transaction
   * not found" (error 90129, which H2 reports with error code 0).
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

  private static boolean isH2(Connection c) throws SQLException {
    return "H2".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
  }

  private Optional<String> readReason(XAConnection xac, XaBranchId id) throws SQLException {
    Connection c = xac.getConnection();
    try {
      return rows.reason(c, id, statementTimeoutSeconds);
    } finally {
      closeQuietly(c);
    }
  }

  /** Creates the barrier table once per manager, if it is missing. */
  private void ensureTable() throws SQLException {
    if (tableReady.get()) {
      return;
    }
    XAConnection xac = dataSource.getXAConnection();
    try {
      Connection c = xac.getConnection();
      try {
        rows.create(c);
      } finally {
        closeQuietly(c);
      }
      tableReady.set(true);
    } finally {
      closeQuietly(xac);
    }
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
