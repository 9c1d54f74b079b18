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
  AFTER_LOCAL_COMMIT,
  /** An XA branch's work is done and its transaction ended; the database has not prepared it. */
  BEFORE_XA_PREPARE,
  /** The database prepared an XA branch; the node dies before the global decision. */
  AFTER_XA_PREPARE,
  /**
   * Before an XA commit or rollback takes effect: phase two after the stored decision, an
   * in-doubt scan's, or phase one's rollback of a refused branch.
   */
  BEFORE_XA_PHASE_TWO,
  /** The database committed or rolled back an XA branch; the node dies before it hears so. */
  AFTER_XA_PHASE_TWO;

  /** Whether only XA transactions reach this point. */
  boolean xaOnly() {
    return name().contains("_XA_");
  }
}
