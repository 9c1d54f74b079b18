package io.jdtm.testkit.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One XA branch a {@link SimXaDatabase} knows: its state, the session it is associated with
 * while active or idle, and the writes it holds until it commits. Not thread-safe: the database
 * guards it with its lock.
 */
final class SimXaBranch {
  /** Where a branch is in the XA protocol. */
  enum State {
    /** Started on a session; statements run in it. */
    ACTIVE,
    /** Ended, not prepared: still the session's, lost with it. */
    IDLE,
    /** Prepared: survives its session and its node until commit or rollback. */
    PREPARED
  }

  final SimXaDatabase.Key key;
  State state = State.ACTIVE;
  boolean rollbackOnly;
  /** The session that started it; {@code null} once prepared. */
  SimXaSession owner;
  /** Barrier rows it inserted: key to reason. */
  final Map<String, String> rows = new LinkedHashMap<>();
  /** Business writes it made. */
  final List<SimXaDatabase.Write> writes = new ArrayList<>();

  SimXaBranch(SimXaDatabase.Key key, SimXaSession owner) {
    this.key = key;
    this.owner = owner;
  }

  @Override
  public String toString() {
    return key + " " + state + (rollbackOnly ? " rollback-only" : "");
  }
}
