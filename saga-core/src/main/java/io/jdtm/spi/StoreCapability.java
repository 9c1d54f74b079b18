package io.jdtm.spi;

/**
 * Optional behaviour a store offers; the contract suite runs the matching tests only for stores
 * that declare it. Immutable and thread-safe.
 */
public enum StoreCapability {
  /**
   * Every write the store acknowledged (a call that returned) survives the process being killed
   * at any moment, SIGKILL included: a store reopened afterwards holds it. The store contract
   * proves it with a child JVM killed ten times mid-write. What an operating system crash or a
   * power loss can cost is the store's own (documented) property, not this promise: PostgreSQL
   * and MariaDB/InnoDB at their defaults force each commit to disk and lose nothing; H2 writes
   * each commit to its file but does not force it, so the commits of the last moments before an
   * OS crash can be lost (the database reopens at an earlier consistent state).
   */
  DURABLE,
  /** Several processes can share the store and recover each other's transactions. */
  SHARED_ACROSS_PROCESSES,
  /** {@link TransactionStore#apply} commits the whole batch in one round trip or transaction. */
  BATCHED_APPLY,
  /**
   * No call waits on I/O, on another process, or on a lock held across either: every call returns
   * promptly (an in-memory store). The engine may then call the store on a caller's thread where
   * it would otherwise hand the call to a worker to bound the caller's wait: {@code
   * submitAndWait} stores and drives the transaction on the calling thread. A store that can be
   * slowed down (a wrapper injecting delays, say) must not declare it.
   */
  NON_BLOCKING,
  /**
   * {@link TransactionStore#createIn} stores a record inside a caller's own database transaction
   * (the store and the caller's local transaction share a database).
   */
  CALLER_TRANSACTION
}
