package io.jdtm.testkit.sim;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A deterministic in-memory database with XA transactions, for the simulation: an {@link
 * XADataSource} (made of {@link java.lang.reflect.Proxy} objects) that understands the barrier
 * table jdtm's XA branches use (its DDL is accepted and ignored; it reports itself as H2) and one
 * business write, {@link #credit}. XA is modelled as a database does it: a branch's writes become
 * visible when it commits; a prepared branch survives its connection and its node; an active or
 * ended branch that is not prepared is rolled back when its connection closes or its node
 * crashes; {@code start}, {@code end}, {@code prepare}, {@code commit}, {@code rollback} and
 * {@code recover} answer with the XA error codes ({@code XAER_NOTA} for an Xid the database does
 * not know, or that another session holds unprepared, {@code XAER_DUPID}, {@code XAER_PROTO}). A
 * barrier row another branch holds (active or prepared) makes an insert fail at once as a lock
 * wait timeout would ({@link SQLTimeoutException}); a row that exists fails with SQLState 23505.
 * Faults: prepare, commit and rollback may fail before taking effect, or after (the answer is
 * lost), at seeded rates.
 *
 * <p>Thread-safe: every change holds the database's lock; nothing ever waits for a row.
 */
public final class SimXaDatabase {
  /** A branch's Xid as the database keys it (bytes kept as ISO-8859-1 text). Immutable. */
  record Key(int format, String gtrid, String bqual) {
    static Key of(Xid xid) {
      return new Key(xid.getFormatId(), text(xid.getGlobalTransactionId()),
          text(xid.getBranchQualifier()));
    }

    private static String text(byte[] bytes) {
      return new String(bytes == null ? new byte[0] : bytes, StandardCharsets.ISO_8859_1);
    }

    Xid xid() {
      return new SimXid(format, gtrid.getBytes(StandardCharsets.ISO_8859_1),
          bqual.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String toString() {
      return "xid(" + Integer.toHexString(format) + ":" + gtrid + bqual + ")";
    }
  }

  /** One committed (or pending) business write. Immutable. */
  record Write(String account, long amount) {}

  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Key, SimXaBranch> branches = new LinkedHashMap<>();
  private final Map<String, String> rows = new TreeMap<>();
  private final List<Write> committed = new ArrayList<>();
  private SplittableRandom faultRandom = new SplittableRandom(0);
  private double failBefore;
  private double failAfter;
  private long faultsInjected;

  public SimXaDatabase(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** A data source on this database, with no node around it. */
  public XADataSource dataSource() {
    return attach(SimXaHooks.NONE).dataSource();
  }

  /** A view of this database for one node: its connections die with the node. */
  SimXaAttachment attach(SimXaHooks hooks) {
    return new SimXaAttachment(this, hooks);
  }

  /**
   * Credits {@code amount} to {@code account} on a connection of a simulated database: pending
   * in the connection's XA branch when it has one (visible once that commits), at once otherwise.
   *
   * @throws SQLException when {@code c} is not a simulated database's open connection
   */
  public static void credit(Connection c, String account, long amount) throws SQLException {
    SimXaSession session = SimXaProxies.sessionOf(c);
    session.database.write(session, new Write(account, amount));
  }

  /** Makes prepare, commit and rollback fail at these rates, before or after taking effect. */
  void faults(long seed, double before, double after) {
    lock.lock();
    try {
      faultRandom = new SplittableRandom(seed);
      failBefore = before;
      failAfter = after;
    } finally {
      lock.unlock();
    }
  }

  /** Injected failures of XA calls so far. */
  public long faultsInjected() {
    return locked(() -> faultsInjected);
  }

  /** The committed balance of {@code account}. */
  public long balance(String account) {
    return locked(() -> committed.stream().filter(w -> w.account().equals(account))
        .mapToLong(Write::amount).sum());
  }

  /** How many committed writes credited {@code account}. */
  public long writes(String account) {
    return locked(() -> committed.stream().filter(w -> w.account().equals(account)).count());
  }

  /** The sum of every committed write. */
  public long total() {
    return locked(() -> committed.stream().mapToLong(Write::amount).sum());
  }

  /** The prepared branches, in doubt until someone commits or rolls them back. */
  public List<String> inDoubt() {
    return locked(() -> branches.values().stream()
        .filter(b -> b.state == SimXaBranch.State.PREPARED).map(Object::toString).toList());
  }

  /** The branches started and not prepared: their sessions are still open. */
  public List<String> open() {
    return locked(() -> branches.values().stream()
        .filter(b -> b.state != SimXaBranch.State.PREPARED).map(Object::toString).toList());
  }

  /**
   * The committed reason of the XA barrier row of a branch in table {@code table}, whatever its
   * barrier id (the transaction's incarnation; the simulation never reuses a gid).
   */
  public Optional<String> barrierRow(String table, String gid, String branchId) {
    String prefix = table + "|xa|" + gid + "|" + branchId + "|action|";
    return locked(() -> rows.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue).findFirst());
  }

  static String rowKey(String table, String gid, String branchId, String barrierId) {
    return table + "|xa|" + gid + "|" + branchId + "|action|" + barrierId;
  }

  // XA calls, from a session's XAResource

  void start(SimXaSession s, Xid xid, int flags) throws XAException {
    lock.lock();
    try {
      s.requireOpen();
      if (flags != XAResource.TMNOFLAGS) {
        throw xa(XAException.XAER_INVAL, "start flags " + flags + " are not modelled");
      }
      Key key = Key.of(xid);
      if (s.current != null) {
        throw xa(XAException.XAER_PROTO, "the connection is in branch " + s.current.key);
      }
      if (branches.containsKey(key)) {
        throw xa(XAException.XAER_DUPID, key + " exists");
      }
      SimXaBranch b = new SimXaBranch(key, s);
      branches.put(key, b);
      s.current = b;
    } finally {
      lock.unlock();
    }
  }

  void end(SimXaSession s, Xid xid, int flags) throws XAException {
    lock.lock();
    try {
      s.requireOpen();
      SimXaBranch b = visible(s, Key.of(xid));
      if (b.owner != s || b.state != SimXaBranch.State.ACTIVE) {
        throw xa(XAException.XAER_PROTO, b + " is not active on this connection");
      }
      if (flags != XAResource.TMSUCCESS && flags != XAResource.TMFAIL) {
        throw xa(XAException.XAER_INVAL, "end flags " + flags + " are not modelled");
      }
      b.state = SimXaBranch.State.IDLE;
      b.rollbackOnly |= flags == XAResource.TMFAIL;
      s.current = null;
    } finally {
      lock.unlock();
    }
  }

  int prepare(SimXaSession s, Xid xid) throws XAException {
    return call(s, SimXaHooks.Call.PREPARE, () -> {
      SimXaBranch b = visible(s, Key.of(xid));
      if (b.state != SimXaBranch.State.IDLE) {
        throw xa(XAException.XAER_PROTO, b + " cannot be prepared");
      }
      if (b.rollbackOnly) {
        branches.remove(b.key);
        throw xa(XAException.XA_RBROLLBACK, b + " was marked rollback-only");
      }
      b.state = SimXaBranch.State.PREPARED;
      b.owner = null;
      return XAResource.XA_OK;
    });
  }

  void commit(SimXaSession s, Xid xid, boolean onePhase) throws XAException {
    call(s, SimXaHooks.Call.COMMIT, () -> {
      SimXaBranch b = visible(s, Key.of(xid));
      SimXaBranch.State needed = onePhase ? SimXaBranch.State.IDLE : SimXaBranch.State.PREPARED;
      if (b.state != needed || b.rollbackOnly) {
        throw xa(XAException.XAER_PROTO, b + " cannot commit" + (onePhase ? " in one phase" : ""));
      }
      branches.remove(b.key);
      rows.putAll(b.rows);
      committed.addAll(b.writes);
      return XAResource.XA_OK;
    });
  }

  void rollback(SimXaSession s, Xid xid) throws XAException {
    call(s, SimXaHooks.Call.ROLLBACK, () -> {
      SimXaBranch b = visible(s, Key.of(xid));
      if (b.state == SimXaBranch.State.ACTIVE) {
        throw xa(XAException.XAER_PROTO, b + " must end before it rolls back");
      }
      branches.remove(b.key);
      return XAResource.XA_OK;
    });
  }

  Xid[] recover(SimXaSession s, int flags) throws XAException {
    lock.lock();
    try {
      s.requireOpen();
      if ((flags & ~(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) != 0) {
        throw xa(XAException.XAER_INVAL, "recover flags " + flags);
      }
      if ((flags & XAResource.TMSTARTRSCAN) == 0) {
        return new Xid[0]; // one scan returns everything at its start
      }
      return branches.values().stream().filter(b -> b.state == SimXaBranch.State.PREPARED)
          .map(b -> b.key.xid()).toArray(Xid[]::new);
    } finally {
      lock.unlock();
    }
  }

  /** Rolls back what the session holds unprepared: its connection closed or its node died. */
  void lose(SimXaSession s) {
    lock.lock();
    try {
      branches.values().removeIf(b -> b.owner == s);
      s.current = null;
    } finally {
      lock.unlock();
    }
  }

  // SQL, from a session's connection

  void insertRow(SimXaSession s, String key, String reason) throws SQLException {
    lock.lock();
    try {
      s.requireUsable();
      if (rows.containsKey(key) || s.current != null && s.current.rows.containsKey(key)) {
        throw new SQLException("duplicate key " + key, "23505");
      }
      for (SimXaBranch b : branches.values()) {
        if (b != s.current && b.rows.containsKey(key)) {
          throw new SQLTimeoutException("lock wait timeout: branch " + b.key + " holds " + key,
              "57014");
        }
      }
      if (s.current != null) {
        s.current.rows.put(key, reason);
      } else {
        rows.put(key, reason);
      }
    } finally {
      lock.unlock();
    }
  }

  Optional<String> selectRow(SimXaSession s, String key) throws SQLException {
    lock.lock();
    try {
      s.requireUsable();
      if (s.current != null && s.current.rows.containsKey(key)) {
        return Optional.of(s.current.rows.get(key));
      }
      return Optional.ofNullable(rows.get(key));
    } finally {
      lock.unlock();
    }
  }

  private void write(SimXaSession s, Write w) throws SQLException {
    lock.lock();
    try {
      s.requireUsable();
      if (s.current != null) {
        s.current.writes.add(w);
      } else {
        committed.add(w);
      }
    } finally {
      lock.unlock();
    }
  }

  /** A phase call: the node's hooks around it, injected faults before and after it. */
  private int call(SimXaSession s, SimXaHooks.Call call, XaStep step) throws XAException {
    s.hooks.before(call);
    int answer;
    lock.lock();
    try {
      s.requireOpen();
      fault(call, "before");
      answer = step.run();
    } finally {
      lock.unlock();
    }
    s.hooks.after(call);
    lock.lock();
    try {
      fault(call, "after");
    } finally {
      lock.unlock();
    }
    return answer;
  }

  private void fault(SimXaHooks.Call call, String when) throws XAException {
    double rate = when.equals("before") ? failBefore : failAfter;
    if (rate > 0 && faultRandom.nextDouble() < rate) {
      faultsInjected++;
      throw xa(XAException.XAER_RMFAIL, "injected failure " + when + " " + call);
    }
  }

  /**
   * The branch {@code key} as session {@code s} sees it: its own, or any prepared one; another
   * session's unprepared branch is invisible, as in a database whose XA runs on sessions.
   */
  private SimXaBranch visible(SimXaSession s, Key key) throws XAException {
    SimXaBranch b = branches.get(key);
    if (b == null || b.state != SimXaBranch.State.PREPARED && b.owner != s) {
      throw xa(XAException.XAER_NOTA, "unknown " + key);
    }
    return b;
  }

  static XAException xa(int code, String message) {
    XAException e = new XAException(message);
    e.errorCode = code;
    return e;
  }

  private <T> T locked(java.util.function.Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** One step of an XA call under the lock. */
  @FunctionalInterface
  private interface XaStep {
    int run() throws XAException;
  }

  @Override
  public String toString() {
    return "SimXaDatabase " + name;
  }
}
