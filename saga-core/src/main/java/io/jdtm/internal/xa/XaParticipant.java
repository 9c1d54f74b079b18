package io.jdtm.internal.xa;

import io.jdtm.BranchOp;
import io.jdtm.JdtmException;
import io.jdtm.Outcome;
import io.jdtm.Xa;
import io.jdtm.internal.Logs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;

/**
 * One registered XA resource: a named {@link XADataSource} and its barrier table. Runs a
 * branch's local XA transaction (phase one), commits or rolls it back (phase two), and lists the
 * Xids of jdtm's format it holds in doubt.
 *
 * <p>The connection that prepared a branch is held for the branch's phase two, which runs on it
 * when this instance runs it: MariaDB lets only the preparing session finish a prepared branch
 * while that session is open, H2 rolls a prepared branch back when its session closes, and every
 * database saves a connection that way. A phase two without it (another instance, after a
 * restart, or after the held connection failed) takes a fresh connection. Held connections are
 * let go ({@link #releaseHeld}) when another instance decides the transaction, after a lease, and
 * at {@link #close}; H2's only once their branch is no longer prepared (closing them before would
 * roll the branch back; a crash or a shutdown of an embedded H2 database keeps it in doubt).
 *
 * <p>Thread-safe if the data source is.
 */
public final class XaParticipant implements AutoCloseable {
  private static final Logger log = Logs.get(XaParticipant.class);
  private static final int H2_TRANSACTION_NOT_FOUND = 90129;
  private static final int MAX_CONNECTING = 4;
  private static final long CONNECT_PERMIT_WAIT_MILLIS = 200;

  private final String name;
  private final XADataSource dataSource;
  private final XaBarrierRows rows;
  private final int statementTimeoutSeconds;
  private final AtomicBoolean tableReady = new AtomicBoolean();
  private final Map<XaBranchId, Session> held = new ConcurrentHashMap<>();
  /**
   * Fresh connections phase twos open at once: recovering a backlog, thousands of branches would
   * otherwise connect together, and a database that forks a process per connection answers none
   * of them in time.
   */
  private final Semaphore connecting = new Semaphore(MAX_CONNECTING);
  /** Branches a phase two runs on now: one at a time per branch, whatever its caller. */
  private final Set<XaBranchId> running = ConcurrentHashMap.newKeySet();

  /**
   * A branch's XA connection and its connection handle. A held one serves one phase two at a
   * time (its lock) and is closed under the lock.
   */
  private static final class Session {
    final XAConnection xa;
    final Connection connection;
    final boolean h2;
    final ReentrantLock lock = new ReentrantLock();
    volatile long heldSince;

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
   * @param statementTimeout how long a statement outside phase one may wait (for a row lock a
   *     branch still holds, say), and how long a phase two waits for a held connection another
   *     phase two of the branch is using, before it fails and is retried later
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
   * @param incarnation the transaction's creation time (epoch milliseconds)
   * @return {@code work}'s outcome (FAILURE when it returned null)
   * @throws JdtmException when the branch was rolled back before it ran (its rollback left the
   *     barrier row: anti-hanging), or its transaction was aborted under the work; the local
   *     transaction is rolled back
   * @throws Exception what {@code work} throws, or a failure of the database; the local
   *     transaction is rolled back as far as the database still answers
   */
  public Outcome prepare(XaBranchId id, long incarnation, Xa.Work work, long nowMillis)
      throws Exception {
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
        if (!rows.insert(c, id, incarnation, XaBarrierRows.ACTION, nowMillis,
            statementTimeoutSeconds)) {
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
        if (!rowStillThere(c, id, incarnation)) {
          throw phaseOne(id, "lost its transaction under the work (a statement failed and the "
              + "database aborted the transaction, or the work rolled it back)");
        }
        resource.end(xid, XAResource.TMSUCCESS);
        ended = true;
        resource.prepare(xid); // never XA_RDONLY: the barrier row is a write
        session.heldSince = System.nanoTime();
        held.put(id, session);
        keep = true;
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
  public void commit(XaBranchId id, long incarnation) throws Exception {
    phaseTwo(id, session -> commitOn(session, id, incarnation));
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
  public void rollback(XaBranchId id, long incarnation, long nowMillis) throws Exception {
    ensureTable();
    phaseTwo(id, session -> rollbackOn(session, id, incarnation, nowMillis));
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
   * Lets go of the connections held for {@code gid}'s branches (every transaction's when {@code
   * gid} is null) held at least {@code olderThan}: the branches stay prepared in the database, for
   * whichever instance runs their phase two (MariaDB lets no other session finish them while they
   * are held). H2's are closed only once their branch is no longer prepared. A held connection in
   * use by a phase two is left alone.
   */
  public void releaseHeld(String gid, Duration olderThan) {
    long now = System.nanoTime();
    List<XaBranchId> preparedOnH2 = null;
    for (Map.Entry<XaBranchId, Session> e : held.entrySet()) {
      XaBranchId id = e.getKey();
      Session session = e.getValue();
      if ((gid != null && !gid.equals(id.gid()))
          || now - session.heldSince < olderThan.toNanos()) {
        continue;
      }
      if (session.h2) {
        if (preparedOnH2 == null) {
          try {
            preparedOnH2 = inDoubt();
          } catch (Exception ex) {
            return; // cannot tell which are still prepared: keep them all
          }
        }
        if (preparedOnH2.contains(id)) {
          continue;
        }
      }
      if (session.lock.tryLock()) {
        try {
          if (held.remove(id, session)) {
            session.close();
          }
        } finally {
          session.lock.unlock();
        }
      }
    }
  }

  /** {@link #releaseHeld} for every transaction: what a closing manager leaves to others. */
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

  /** A phase-two step on one session; returns normally once the branch is finished. */
  @FunctionalInterface
  private interface Step {
    void run(Session session) throws Exception;
  }

  /**
   * Runs a phase two on the branch's held session if there is one (H2 ignores a rollback from
   * another session while the preparing one is open), and on a fresh connection when there is
   * none or the held one fails with a database error (it may be stale; pgjdbc answers a branch
   * finished elsewhere misleadingly there). A held session is closed once the branch is
   * finished, and at once when it failed on another database than H2 (the branch stays
   * prepared in the database; closing an H2 one would roll the branch back).
   */
  private void phaseTwo(XaBranchId id, Step step) throws Exception {
    // A caller that gave up waiting (a request timeout) leaves its phase two running, blocked in
    // a connect, say; a retry must not pile another connection on top of it.
    if (!running.add(id)) {
      throw new JdtmException("XA branch on resource '" + name + "': an earlier phase two of the "
          + "branch is still running; retrying later", id.gid(), id.branchId(), null, null);
    }
    try {
      phaseTwoAlone(id, step);
    } finally {
      running.remove(id);
    }
  }

  private void phaseTwoAlone(XaBranchId id, Step step) throws Exception {
    Session mine = acquireHeld(id);
    try {
      if (mine != null) {
        try {
          step.run(mine);
          drop(id, mine);
          return;
        } catch (XAException | SQLException e) {
          if (!mine.h2) {
            drop(id, mine);
          }
        }
      }
      if (!connecting.tryAcquire(CONNECT_PERMIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        throw new JdtmException("XA branch on resource '" + name + "': " + MAX_CONNECTING
            + " phase twos are connecting to it already; retrying later", id.gid(),
            id.branchId(), null, null);
      }
      try {
        Session fresh = open();
        try {
          // the barrier row proves a commit only if uncommitted rows stay hidden
          fresh.connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          step.run(fresh);
        } finally {
          fresh.close();
        }
      } finally {
        connecting.release();
      }
      if (mine != null) {
        drop(id, mine); // finished through another session: the held one may close now
      }
    } finally {
      if (mine != null) {
        mine.lock.unlock();
      }
    }
  }

  private void drop(XaBranchId id, Session session) {
    if (held.remove(id, session)) {
      session.close();
    }
  }

  private void commitOn(Session session, XaBranchId id, long incarnation) throws Exception {
    Xid xid = Xids.of(id.gid(), id.branchId());
    try {
      session.resource().commit(xid, false);
      return;
    } catch (XAException e) {
      if (e.errorCode == XAException.XA_HEURCOM) {
        session.resource().forget(xid);
        return;
      }
      if (!isUnknownXid(e)) {
        throw e;
      }
    }
    ensureTable();
    if (committedRow(session, id, incarnation)) {
      return; // committed earlier: a repeated commit
    }
    if (isPrepared(session, id)) {
      throw new JdtmException("XA branch on resource '" + name + "' is prepared in another "
          + "session that is still open, which alone may commit it now; retrying",
          id.gid(), id.branchId(), BranchOp.COMMIT, null);
    }
    Optional<String> reason = rows.reason(session.connection, id, incarnation,
        statementTimeoutSeconds); // again: the other session may have committed it meanwhile
    if (reason.isPresent() && reason.get().equals(XaBarrierRows.ACTION)) {
      return;
    }
    throw heuristic(id, BranchOp.COMMIT, "the database does not know the branch's Xid and "
        + "its barrier row " + (reason.isEmpty() ? "is missing" : "says " + reason.get())
        + ": the branch did not commit (rolled back outside jdtm?)");
  }

  private void rollbackOn(Session session, XaBranchId id, long incarnation, long nowMillis)
      throws Exception {
    Xid xid = Xids.of(id.gid(), id.branchId());
    if (session.h2) {
      // H2 rolls back a prepared branch from a connection only after that connection listed the
      // in-doubt branches; without it, its rollback silently does a local rollback of nothing
      recover(session.resource());
    }
    try {
      session.resource().rollback(xid);
    } catch (XAException e) {
      if (e.errorCode == XAException.XA_HEURRB) {
        session.resource().forget(xid);
      } else if (!isUnknownXid(e)) {
        throw e;
      } else if (isPrepared(session, id)) { // MariaDB: another session holds it
        throw new JdtmException("XA branch on resource '" + name + "' is prepared in another "
            + "session that is still open, which alone may roll it back now; retrying",
            id.gid(), id.branchId(), BranchOp.ROLLBACK, null);
      }
    }
    Connection c = session.connection;
    if (!rows.insert(c, id, incarnation, XaBarrierRows.ROLLBACK, nowMillis,
        statementTimeoutSeconds) && committedRow(session, id, incarnation)) {
      throw heuristic(id, BranchOp.ROLLBACK, "the branch committed although its "
          + "transaction is rolled back (committed outside jdtm?)");
    }
  }

  private boolean committedRow(Session session, XaBranchId id, long incarnation)
      throws SQLException {
    return rows.reason(session.connection, id, incarnation, statementTimeoutSeconds)
        .filter(XaBarrierRows.ACTION::equals).isPresent();
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
   * The held session of a branch, locked for this caller; null when there is none.
   *
   * @throws JdtmException when another phase two of the branch holds it past the statement
   *     timeout (retry later)
   */
  private Session acquireHeld(XaBranchId id) throws InterruptedException {
    Session s = held.get(id);
    if (s == null) {
      return null;
    }
    if (!s.lock.tryLock(statementTimeoutSeconds, TimeUnit.SECONDS)) {
      throw new JdtmException("XA branch on resource '" + name + "': another phase two of the "
          + "branch is still running on its connection; retrying", id.gid(), id.branchId(), null,
          null);
    }
    if (held.get(id) != s) { // let go of meanwhile
      s.lock.unlock();
      return null;
    }
    return s;
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
  private boolean rowStillThere(Connection c, XaBranchId id, long incarnation) {
    try {
      return rows.reason(c, id, incarnation, statementTimeoutSeconds)
          .filter(XaBarrierRows.ACTION::equals).isPresent();
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

  /**
   * Creates the barrier table once per manager, if it is missing; warns once when an H2 user is
   * no admin (H2 lists in-doubt branches to admins only, so nothing left in doubt would be
   * resolved).
   */
  private void ensureTable() throws SQLException {
    if (tableReady.get()) {
      return;
    }
    synchronized (tableReady) { // one check at a time: a recovering backlog would storm it
      if (!tableReady.get()) {
        checkTable();
      }
    }
  }

  private void checkTable() throws SQLException {
    Session session = open();
    try {
      rows.create(session.connection, statementTimeoutSeconds);
      if (session.h2 && !isH2Admin(session.connection)) {
        log.warn("XA resource '{}': the H2 user is no admin, and H2 lists in-doubt branches to "
            + "admins only: branches left prepared by a crash will not be resolved", name);
      }
      tableReady.set(true);
    } finally {
      session.close();
    }
  }

  private static boolean isH2Admin(Connection c) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = CURRENT_USER")) {
      return rs.next() && rs.getBoolean(1);
    } catch (SQLException | RuntimeException e) {
      return true; // cannot tell: say nothing
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
