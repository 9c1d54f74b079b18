package io.jdtm.testkit.sim;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import javax.transaction.xa.XAException;

/**
 * One physical connection to a {@link SimXaDatabase} (one {@code XAConnection}): the branch it is
 * in, if any, and whether it is closed or died with its node. Not thread-safe: the database
 * guards it with its lock.
 */
final class SimXaSession {
  final SimXaDatabase database;
  final SimXaHooks hooks;
  /** The branch statements run in; {@code null}: auto-commit. */
  SimXaBranch current;
  boolean closed;
  boolean dead;

  SimXaSession(SimXaDatabase database, SimXaHooks hooks) {
    this.database = database;
    this.hooks = hooks;
  }

  /** For XA calls: the node is alive and the connection open. */
  void requireOpen() throws XAException {
    hooks.alive();
    if (dead || closed) {
      throw SimXaDatabase.xa(XAException.XAER_RMFAIL, "the connection is "
          + (dead ? "lost" : "closed"));
    }
  }

  /** For statements: the node is alive and the connection open. */
  void requireUsable() throws SQLException {
    hooks.alive();
    if (dead || closed) {
      throw new SQLRecoverableException("the connection is " + (dead ? "lost" : "closed"),
          "08003");
    }
  }

  /** The XAConnection closes: what it holds unprepared is rolled back. */
  void close() {
    if (!closed) {
      database.lose(this);
      closed = true;
    }
  }

  /** The node died: the connection is lost, and so is what it held unprepared. */
  void die() {
    database.lose(this);
    dead = true;
  }
}
