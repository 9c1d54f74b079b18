package io.jdtm.store.jdbc;

import io.jdtm.spi.BarrierTables;

/**
 * The store's table names, derived from a validated prefix; SQL is built only from these.
 * Immutable and thread-safe.
 */
record Tables(String prefix) {
  /** Default table prefix. */
  static final String DEFAULT_PREFIX = BarrierTables.DEFAULT_PREFIX;
  /** The table prefix rule, stated once in {@link BarrierTables#PREFIX_RULE}. */
  static final String PREFIX_RULE = BarrierTables.PREFIX_RULE;

  Tables {
    requireValidPrefix(prefix);
  }

  /**
   * Checks a table prefix against {@link #PREFIX_RULE}.
   *
   * @throws IllegalArgumentException naming the prefix (shortened) and the rule
   */
  static String requireValidPrefix(String prefix) {
    return BarrierTables.requirePrefix(prefix);
  }

  String tx() {
    return prefix + "tx";
  }

  /** Schema version 1's branch table, which version 2 has not: named to tell how to move on. */
  String v1Branch() {
    return prefix + "branch";
  }

  String schemaVersion() {
    return prefix + "schema_version";
  }

  /** The sub-transaction barrier's table, see {@link JdbcBarrier}. */
  String barrier() {
    return prefix + "barrier";
  }
}
