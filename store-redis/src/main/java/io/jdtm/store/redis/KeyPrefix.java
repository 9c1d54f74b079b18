package io.jdtm.store.redis;

import java.util.regex.Pattern;

/**
 * The validated prefix every key of one store starts with, so several stores (or applications)
 * can share one Redis. Immutable, thread-safe.
 */
final class KeyPrefix {
  static final String DEFAULT = "jdtm_";
  private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private KeyPrefix() {}

  /**
   * Returns {@code prefix} unchanged when it is safe as a key prefix.
   *
   * @throws IllegalArgumentException unless it matches {@code [A-Za-z_][A-Za-z0-9_]{0,62}}
   */
  static String require(String prefix) {
    if (prefix == null || !VALID.matcher(prefix).matches()) {
      throw new IllegalArgumentException("invalid Redis key prefix "
          + io.jdtm.spi.Names.quote(prefix)
          + ": it must match [A-Za-z_][A-Za-z0-9_]{0,62}");
    }
    return prefix;
  }
}
