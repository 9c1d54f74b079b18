package io.jdtm.store.jdbc;

import io.jdtm.JdtmException;

/**
 * A stored record whose rows do not parse into a record: a value no version of jdtm writes (an
 * unknown status, mode or branch op, malformed options, a negative count, a version below 1 or a
 * negative lease epoch), left by a hand edit, another tool or a newer jdtm. Says where and what,
 * never the payloads. Immutable and thread-safe.
 *
 * @param gid the record's gid
 * @param version the record's version as read, the compare-and-set token for parking it
 * @param column the table and column, e.g. {@code jdtm_tx.status} or {@code jdtm_tx.progress}
 * @param problem what is wrong with the value, e.g. {@code holds 'BOGUS', not one of ...}
 */
record Unreadable(String gid, long version, String column, String problem) {

  /** {@code jdtm_tx.status holds 'BOGUS', not one of ...}. */
  String describe() {
    return column + " " + problem;
  }

  /** What {@code load} throws for this record. */
  JdtmException exception() {
    return new JdtmException("the stored record is unreadable: " + describe()
        + "; repair or delete the row", gid, null, null, null);
  }
}
