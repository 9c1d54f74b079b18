package io.jdtm.benchmarks;

import java.util.List;

/**
 * The least durable work a hand-written orchestrator needs, done on the raw store beside each jdtm
 * figure: one row per transaction, inserted and committed, then one fenced (version-checked)
 * update and commit per step. Implementations are thread-safe.
 */
interface Baseline extends AutoCloseable {
  /** Inserts a transaction row (version 1) and commits. */
  void insert(String gid);

  /** Moves the row from {@code expectedVersion} to the next version, fenced, and commits. */
  boolean update(String gid, long expectedVersion);

  /** {@link #update} of every row in one batch and one commit; returns how many rows moved. */
  int updateBatch(List<String> gids, long[] expectedVersions);

  /**
   * An outbox message: a business row and the message row in one local transaction, then one
   * fenced update and commit per delivered action.
   */
  void message(String gid, int actions);

  /** Inserts one row per gid (version 1), due at {@code dueMillis}, in one batch and commit. */
  void insertDue(List<String> gids, long dueMillis);

  /**
   * A recovery claim: up to {@code limit} rows due at {@code nowMillis}, oldest due first and
   * skipping rows another claimer holds, each moved to the next version and due again at {@code
   * nowMillis + leaseMillis} with a fenced update, all in one commit; returns how many it claimed.
   */
  int claim(long nowMillis, long leaseMillis, int limit);

  /** A saga: {@link #insert} and then one fenced {@link #update} per step. */
  default void saga(String gid, int steps) {
    insert(gid);
    advance(gid, 1, steps);
  }

  /** {@code rounds} fenced updates from {@code version} on, each committed. */
  default void advance(String gid, long version, int rounds) {
    for (long v = version; v < version + rounds; v++) {
      if (!update(gid, v)) {
        throw new IllegalStateException("baseline row " + gid + " was not at version " + v);
      }
    }
  }

  @Override
  void close();
}
