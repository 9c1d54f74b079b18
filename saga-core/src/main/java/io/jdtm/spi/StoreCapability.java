package io.jdtm.spi;

/**
 * Optional behaviour a store offers; the contract suite runs the matching tests only for stores
 * that declare it. Immutable and thread-safe.
 */
public enum StoreCapability {
  /** Accepted writes survive the process (and, as configured, the machine). */
  DURABLE,
  /** Several processes can share the store and recover each other's transactions. */
  SHARED_ACROSS_PROCESSES,
  /** {@link TransactionStore#apply} commits the whole batch in one round trip or transaction. */
  BATCHED_APPLY
}
