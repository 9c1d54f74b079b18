package io.jdtm.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tells whether a key (a gid) is seen for the first time, remembering the most recent ones up to
 * a bound: for logging a lasting problem loudly once and quietly after. Thread-safe.
 */
final class FirstTimes {
  private final Map<String, Boolean> seen;

  /** Remembers up to {@code remembered} keys, forgetting the least recently seen first. */
  FirstTimes(int remembered) {
    this.seen = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > remembered;
      }
    });
  }

  /** Whether {@code key} was not among the remembered keys; it is remembered from now on. */
  boolean first(String key) {
    return seen.put(key, Boolean.TRUE) == null;
  }
}
