package io.jdtm.testkit.sim;

/** Where an armed crash stops a node. Immutable and thread-safe. */
public enum CrashPoint {
  BEFORE_CREATE,
  AFTER_CREATE,
  BEFORE_UPDATE,
  AFTER_UPDATE,
  BEFORE_CLAIM,
  AFTER_CLAIM,
  /** Reading one record back (after a failed write; a TCC try joining its transaction). */
  BEFORE_LOAD,
  AFTER_LOAD,
  BEFORE_QUERY,
  AFTER_QUERY,
  BEFORE_BRANCH_CALL,
  AFTER_BRANCH_CALL,
  /** A message's local transaction committed; the initiator dies before submitting. */
  AFTER_LOCAL_COMMIT
}
