package io.jdtm.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import javax.sql.XADataSource;

/**
 * One node's view of a {@link SimXaDatabase}: the data source it registers, whose connections
 * run the node's hooks around XA calls and die with the node. Not thread-safe (the simulation
 * runs on one thread).
 */
final class SimXaAttachment {
  private final SimXaDatabase database;
  private final SimXaHooks hooks;
  private final List<SimXaSession> sessions = new ArrayList<>();
  private final XADataSource dataSource;

  SimXaAttachment(SimXaDatabase database, SimXaHooks hooks) {
    this.database = database;
    this.hooks = hooks;
    this.dataSource = SimXaProxies.dataSource(this);
  }

  XADataSource dataSource() {
    return dataSource;
  }

  /** A new physical connection. */
  SimXaSession connect() {
    hooks.alive();
    SimXaSession s = new SimXaSession(database, hooks);
    sessions.removeIf(old -> old.closed);
    sessions.add(s);
    return s;
  }

  /** The node crashed: every connection it holds is lost. */
  void crash() {
    for (SimXaSession s : sessions) {
      s.die();
    }
    sessions.clear();
  }
}
