package io.jdtm.store.jdbc;

import io.jdtm.internal.Names;

/**
 * The store's table names, derived from a validated prefix; SQL is built only from these.
 * Immutable and thread-safe.
 */
record Tables(String prefix) {
  /** Default table prefix. */
  static final String DEFAULT_PREFIX = "jdtm_";
  /** The longest suffix appended to the prefix (a table or index name). */
  private static final String LONGEST_SUFFIX = "schema_version";
  private static final int MAX_NAME = 63;

  Tables {
    requireValidPrefix(prefix);
  }

  /**
   * Checks a table prefix: an identifier ({@code [A-Za-z_][A-Za-z0-9_]{0,62}}) short enough that
   * every table and index name it makes stays within 63 characters (PostgreSQL would silently
   * truncate longer names, and two tables could then collide).
   *
   * @throws IllegalArgumentException naming the prefix and the rule it breaks
   */
  static String requireValidPrefix(String prefix) {
    Names.requireIdentifier(prefix, "table prefix");
    int max = MAX_NAME - LONGEST_SUFFIX.length();
    if (prefix.length() > max) {
      throw new IllegalArgumentException("invalid table prefix " + Names.quote(prefix) + ": it is "
          + prefix.length() + " characters long; at most " + max + " are allowed, so that '"
          + "<prefix>" + LONGEST_SUFFIX + "' stays within " + MAX_NAME + " characters");
    }
    return prefix;
  }

  String tx() {
    return prefix + "tx";
  }

  String branch() {
    return prefix + "branch";
  }

  String schemaVersion() {
    return prefix + LONGEST_SUFFIX;
  }

  /** The sub-transaction barrier's table, see {@link JdbcBarrier}. */
  String barrier() {
    return prefix + "barrier";
  }
}
