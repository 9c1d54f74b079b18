package io.jdtm.store.jdbc;

import java.util.regex.Pattern;

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
  /**
   * The table prefix rule, stated here only: an identifier short enough that every table and
   * index name it makes stays within 63 characters (PostgreSQL would silently truncate longer
   * names, and two tables could then collide). Store, barrier, {@link JdbcSchema} and README agree.
   */
  static final String PREFIX_RULE =
      "[A-Za-z_][A-Za-z0-9_]{0," + (MAX_NAME - LONGEST_SUFFIX.length() - 1) + "}";
  private static final Pattern PREFIX = Pattern.compile(PREFIX_RULE);
  private static final int SHOWN = 60;

  Tables {
    requireValidPrefix(prefix);
  }

  /**
   * Checks a table prefix against {@link #PREFIX_RULE}.
   *
   * @throws IllegalArgumentException naming the prefix (shortened) and the rule
   */
  static String requireValidPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("invalid table prefix " + shown(prefix)
          + ": a table prefix must match " + PREFIX_RULE + ", so that '<prefix>" + LONGEST_SUFFIX
          + "' stays within " + MAX_NAME + " characters");
    }
    return prefix;
  }

  /** The rejected value for the message: shortened, control characters escaped. */
  private static String shown(String prefix) {
    if (prefix == null) {
      return "null";
    }
    String head = prefix.length() > SHOWN ? prefix.substring(0, SHOWN) + "..." : prefix;
    StringBuilder sb = new StringBuilder("'");
    head.chars().forEach(c -> sb.append(Character.isISOControl(c)
        ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return sb.append("' (").append(prefix.length()).append(" characters)").toString();
  }

  String tx() {
    return prefix + "tx";
  }

  /** Schema version 1's branch table, which version 2 has not: named to tell how to move on. */
  String v1Branch() {
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
