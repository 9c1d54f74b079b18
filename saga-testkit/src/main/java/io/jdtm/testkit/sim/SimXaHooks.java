package io.jdtm.testkit.sim;

/**
 * What a {@link SimXaDatabase} tells the node a data source view belongs to, around each of its
 * XA calls: the node may crash (throw) before or after the call takes effect, or pause. Not
 * thread-safe by itself; the simulation calls it from one thread.
 */
interface SimXaHooks {
  /** No node: nothing happens around a call. */
  SimXaHooks NONE = new SimXaHooks() {};

  /** The XA calls a node crashes around. */
  enum Call { PREPARE, COMMIT, ROLLBACK }

  /** Before any call on a connection of this view: throws when the node is gone. */
  default void alive() {}

  /** Before {@code call} takes effect in the database. */
  default void before(Call call) {}

  /** After {@code call} took effect in the database, before its answer reaches the caller. */
  default void after(Call call) {}
}
