package io.jdtm.store.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read of result rows found, by gid in row order: the values that parse, and the records
 * whose rows do not ({@link Unreadable}); a gid is in one of the two. Not thread-safe.
 */
final class Parsed<T> {
  private final Map<String, T> found = new LinkedHashMap<>();
  private final Map<String, Unreadable> unreadable = new LinkedHashMap<>();
  private String last;

  void add(String gid, T value) {
    found.put(gid, value);
    last = gid;
  }

  void addUnreadable(Unreadable u) {
    found.remove(u.gid());
    unreadable.putIfAbsent(u.gid(), u);
    last = u.gid();
  }

  /** The values that parse, by gid in row order. */
  Map<String, T> found() {
    return found;
  }

  List<T> values() {
    return new ArrayList<>(found.values());
  }

  /** The records that do not parse, by gid in row order. */
  Map<String, Unreadable> unreadable() {
    return unreadable;
  }

  /** How many records were read, parsing or not. */
  int count() {
    return found.size() + unreadable.size();
  }

  /** The gid read last, or {@code null} when none was. */
  String last() {
    return last;
  }
}
